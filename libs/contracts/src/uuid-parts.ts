/**
 * A lower-case canonical UUID read as three numbers (12 + 12 + 8 hex digits, at most 48 bits
 * each): how alerting's windows keep event ids without a string each (see the engine's
 * packed-event-ids.ts). Here, in the contracts, because the event decoder reads each id first:
 * its check that an id is a UUID is this parse, and the parts it leaves behind (the last id read)
 * are what the engine copies when it keeps that same event's id, instead of reading its 36
 * characters a second time (docs/benchmarks.md).
 */

/** Numbers per id. */
export const UUID_PARTS = 3;

const DASH = 0x2d;

/**
 * Value of each lower-case hex digit by character code, -1 for every other UTF-16 code: a
 * table as long as the codes, so a lookup needs no range test first.
 */
const HEX_VALUE = hexValues();

function hexValues(): Int8Array {
  const values = new Int8Array(0x10000).fill(-1);
  for (let digit = 0; digit < 16; digit++) values[digit.toString(16).charCodeAt(0)] = digit;
  return values;
}

/**
 * The last id read and its parts. The decoder reads an event's id, then alerting's engine keeps
 * it in each window that counts the event, one after the other: all but the first copy these.
 * A different id mostly differs at its first character, so the comparison is short.
 */
let lastRead: string | null = null;
const lastParts = new Float64Array(UUID_PARTS);

/**
 * Whether `id` is a lower-case canonical UUID; if so, its parts become the last read. Runs for
 * every event, so it is straight-line 32-bit integer code: each part is built from groups of
 * six digits (24 bits) shifted into place, where a float multiply-add per digit made one long
 * chain (66 ns an id against 106). A part has up to 48 bits: only the groups are joined in
 * floats.
 */
export function readUuidParts(id: string): boolean {
  if (id === lastRead) return true;
  if (id.length !== 36) return false;
  const high1 = sixDigits(id, 0, 1, 2, 3, 4, 5);
  const high2 = sixDigits(id, 6, 7, 9, 10, 11, 12);
  const middle1 = sixDigits(id, 14, 15, 16, 17, 19, 20);
  const middle2 = sixDigits(id, 21, 22, 24, 25, 26, 27);
  const low1 = sixDigits(id, 28, 29, 30, 31, 32, 33);
  const low2 = (digitAt(id, 34) << 4) | digitAt(id, 35);
  // A character that is not a lower-case hex digit reads as -1, which makes its group
  // negative: one test for all of them.
  if ((high1 | high2 | middle1 | middle2 | low1 | low2) < 0 || !dashesAt(id)) return false;
  lastParts[0] = high1 * 0x1000000 + high2;
  lastParts[1] = middle1 * 0x1000000 + middle2;
  lastParts[2] = low1 * 0x100 + low2;
  lastRead = id;
  return true;
}

/** Where ids are packed: a window's block (a Float64Array), or any array of numbers. */
export type NumberCells = { [index: number]: number };

/**
 * The three parts of a lower-case canonical UUID into `cells` at `at`; false (nothing
 * written) for any other text.
 */
export function packUuid(id: string, cells: NumberCells, at: number): boolean {
  if (!readUuidParts(id)) return false;
  cells[at] = lastParts[0];
  cells[at + 1] = lastParts[1];
  cells[at + 2] = lastParts[2];
  return true;
}

/** The hex digits at these six indexes as one number; negative if any is not a digit. */
function sixDigits(
  id: string,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
): number {
  return (
    (digitAt(id, a) << 20) |
    (digitAt(id, b) << 16) |
    (digitAt(id, c) << 12) |
    (digitAt(id, d) << 8) |
    (digitAt(id, e) << 4) |
    digitAt(id, f)
  );
}

/** A lower-case hex digit's value, -1 for any other character. */
function digitAt(id: string, index: number): number {
  return HEX_VALUE[id.charCodeAt(index)];
}

function dashesAt(id: string): boolean {
  return (
    id.charCodeAt(8) === DASH &&
    id.charCodeAt(13) === DASH &&
    id.charCodeAt(18) === DASH &&
    id.charCodeAt(23) === DASH
  );
}

/** The UUID text of the parts at `at` (only ever called when an incident reports ids). */
export function unpackUuid(cells: Readonly<NumberCells>, at: number): string {
  const hex =
    cells[at].toString(16).padStart(12, '0') +
    cells[at + 1].toString(16).padStart(12, '0') +
    cells[at + 2].toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

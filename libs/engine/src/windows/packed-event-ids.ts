/**
 * Event ids kept by a window, as numbers in a flat array instead of one string each.
 *
 * Why: a key's window holds the ids of its newest events (up to 100) for the incident it may
 * open, and 100,000 keys held about half a million id strings. Every one is an object the
 * garbage collector marks on each major GC, which stalled evaluation for up to a second
 * under load. A canonical UUID (lower-case, what the service's decoder produces) packs into
 * three integers of at most 48 bits, stored in a double array the collector never scans.
 * Any other id (tests, embedders) keeps its string in a side list that only such ids create.
 */

/** Numbers per id: 12 + 12 + 8 hex digits. */
export const ID_STRIDE = 3;

/** Where ids are packed: a window's block (a Float64Array), or any array of numbers. */
export type NumberCells = { [index: number]: number };

/** Marks an id kept as a string in the side list (packed parts are never negative). */
export const STRING_ID = -1;
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
 * The last id packed and its parts. An event that several rules count is packed once per rule's
 * window, one after the other: the others copy these instead of reading its 36 characters again
 * (about 1,000 instructions; a comparison with a different id mostly stops at its first
 * character).
 */
let lastPacked: string | null = null;
const lastParts = new Float64Array(ID_STRIDE);

/**
 * The three parts of a lower-case canonical UUID into `cells` at `at`; false (nothing
 * written) for any other text. Runs for every event a window keeps, so it is straight-line
 * 32-bit integer code: each part is built from groups of six digits (24 bits) shifted into
 * place, where a float multiply-add per digit made one long chain (66 ns an id against 106;
 * see docs/benchmarks.md). A part has up to 48 bits: only the groups are joined in floats.
 */
export function packUuid(id: string, cells: NumberCells, at: number): boolean {
  if (id === lastPacked) {
    cells[at] = lastParts[0];
    cells[at + 1] = lastParts[1];
    cells[at + 2] = lastParts[2];
    return true;
  }
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
  const high = (cells[at] = high1 * 0x1000000 + high2);
  const middle = (cells[at + 1] = middle1 * 0x1000000 + middle2);
  const low = (cells[at + 2] = low1 * 0x100 + low2);
  lastPacked = id;
  lastParts[0] = high;
  lastParts[1] = middle;
  lastParts[2] = low;
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

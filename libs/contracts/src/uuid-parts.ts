/**
 * A lower-case canonical UUID read as four 32-bit words (eight hex digits each): how alerting's
 * windows keep event ids without a string each (see the engine's packed-event-ids.ts), in the
 * 16 bytes the id's 128 bits need. Here, in the contracts, because the event decoder reads each
 * id first: its check that an id is a UUID is this parse, and the words it leaves behind (the
 * last id read) are what the engine copies when it keeps that same event's id, instead of
 * reading its 36 characters a second time (docs/benchmarks.md).
 */

/** 32-bit words per id. */
export const UUID_WORDS = 4;

/** Characters of a canonical UUID (32 hex digits and 4 dashes). */
export const UUID_LENGTH = 36;

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
const lastWords = new Int32Array(UUID_WORDS);

/**
 * Whether `id` is a lower-case canonical UUID; if so, its words become the last read. Runs for
 * every event, so it is straight-line 32-bit integer code: each word is two groups of four
 * digits, and a character that is not a lower-case hex digit reads as -1, which makes its group
 * negative: one test for all eight (a whole word may be negative as an int32, a group is not).
 */
export function readUuidParts(id: string): boolean {
  if (id === lastRead) return true;
  if (id.length !== UUID_LENGTH) return false;
  const g0 = fourDigits(id, 0, 1, 2, 3);
  const g1 = fourDigits(id, 4, 5, 6, 7);
  const g2 = fourDigits(id, 9, 10, 11, 12);
  const g3 = fourDigits(id, 14, 15, 16, 17);
  const g4 = fourDigits(id, 19, 20, 21, 22);
  const g5 = fourDigits(id, 24, 25, 26, 27);
  const g6 = fourDigits(id, 28, 29, 30, 31);
  const g7 = fourDigits(id, 32, 33, 34, 35);
  if ((g0 | g1 | g2 | g3 | g4 | g5 | g6 | g7) < 0 || !dashesAt(id)) return false;
  lastWords[0] = (g0 << 16) | g1;
  lastWords[1] = (g2 << 16) | g3;
  lastWords[2] = (g4 << 16) | g5;
  lastWords[3] = (g6 << 16) | g7;
  lastRead = id;
  return true;
}

/**
 * Where ids are packed: a window's words (a Uint32Array over its block), or any array of
 * numbers. A word is written as a 32-bit integer and read back through `>>> 0`, so a plain array
 * holding it as a negative number reads the same.
 */
export type NumberCells = { [index: number]: number };

/**
 * The four words of a lower-case canonical UUID into `words` at `at`; false (nothing written)
 * for any other text.
 */
export function packUuid(id: string, words: NumberCells, at: number): boolean {
  if (!readUuidParts(id)) return false;
  words[at] = lastWords[0];
  words[at + 1] = lastWords[1];
  words[at + 2] = lastWords[2];
  words[at + 3] = lastWords[3];
  return true;
}

/** The hex digits at these four indexes as one number; negative if any is not a digit. */
function fourDigits(id: string, a: number, b: number, c: number, d: number): number {
  return (digitAt(id, a) << 12) | (digitAt(id, b) << 8) | (digitAt(id, c) << 4) | digitAt(id, d);
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

/** The UUID text of the words at `at` (only ever called when an incident reports ids). */
export function unpackUuid(words: Readonly<NumberCells>, at: number): string {
  const hex =
    hexWord(words[at]) + hexWord(words[at + 1]) + hexWord(words[at + 2]) + hexWord(words[at + 3]);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexWord(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}

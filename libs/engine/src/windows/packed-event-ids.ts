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

/** Marks an id kept as a string in the side list (packed parts are never negative). */
export const STRING_ID = -1;
const DASH = 0x2d;

/**
 * The three parts of a lower-case canonical UUID into `cells` at `at`; false (nothing
 * written) for any other text.
 */
export function packUuid(id: string, cells: number[], at: number): boolean {
  if (id.length !== 36) return false;
  let part = 0;
  let digits = 0;
  let written = 0;
  for (let i = 0; i < 36; i++) {
    const code = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== DASH) return false;
      continue;
    }
    let nibble: number;
    if (code >= 0x30 && code <= 0x39) nibble = code - 0x30;
    else if (code >= 0x61 && code <= 0x66) nibble = code - 0x57;
    else return false;
    // Multiplication, not shifts: a part has up to 48 bits, beyond 32-bit integer operators.
    part = part * 16 + nibble;
    if (++digits === 12 || (written === 2 && digits === 8)) {
      cells[at + written++] = part;
      part = 0;
      digits = 0;
    }
  }
  return true;
}

/** The UUID text of the parts at `at` (only ever called when an incident reports ids). */
export function unpackUuid(cells: readonly number[], at: number): string {
  const hex =
    cells[at].toString(16).padStart(12, '0') +
    cells[at + 1].toString(16).padStart(12, '0') +
    cells[at + 2].toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

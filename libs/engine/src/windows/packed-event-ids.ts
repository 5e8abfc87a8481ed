import { newIds, newNumbers } from './exact-arrays';

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
const STRING_ID = -1;
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

/**
 * A ring of ids, oldest first, that doubles up to the capacity it is asked for: the ids of a
 * window's newest events, moved as the window inserts out of order and expires. Windows
 * extend it (through RecentEvents) rather than hold one, so it costs no object of its own.
 */
export class PackedIdRing {
  private idCells: number[] = EMPTY_CELLS;
  /** Ids that are not canonical UUIDs, aligned with the ring's slots; created by the first. */
  private idStrings: (string | null)[] | null = null;
  private idHead = 0;
  private idSize = 0;
  /** Slots in `cells`, kept as an integer: no division per event. */
  private idLength = 0;

  get idCount(): number {
    return this.idSize;
  }

  /**
   * Inserts `id` with `newer` ids after it (0: it is the newest), dropping the oldest when
   * `capacity` ids are already held. `newer` is at most the ids held (after that drop).
   */
  insertId(id: string, newer: number, capacity: number): void {
    if (this.idSize === capacity) this.dropOldestId();
    else if (this.idSize === this.idLength)
      this.growIds(Math.min(capacity, Math.max(2, this.idLength * 2)));
    let to = this.idSlotAt(this.idSize);
    for (let moved = 0; moved < newer; moved++) {
      const from = to === 0 ? this.idLength - 1 : to - 1;
      this.copyId(from, to);
      to = from;
    }
    this.writeId(to, id);
    this.idSize++;
  }

  dropOldestId(): void {
    if (this.idStrings !== null) this.idStrings[this.idHead] = null;
    this.idHead = this.idHead + 1 === this.idLength ? 0 : this.idHead + 1;
    this.idSize--;
  }

  clearIds(): void {
    if (this.idStrings !== null) this.idStrings.fill(null);
    this.idHead = 0;
    this.idSize = 0;
  }

  /** Ids newest first, at most `limit`. */
  newestIds(limit: number): string[] {
    const result: string[] = [];
    for (let position = this.idSize - 1; position >= 0 && result.length < limit; position--) {
      result.push(this.readId(this.idSlotAt(position)));
    }
    return result;
  }

  private writeId(slot: number, id: string): void {
    const at = slot * ID_STRIDE;
    if (packUuid(id, this.idCells, at)) {
      if (this.idStrings !== null) this.idStrings[slot] = null;
      return;
    }
    this.idCells[at] = STRING_ID;
    (this.idStrings ??= newIds(this.idLength))[slot] = id;
  }

  private readId(slot: number): string {
    const at = slot * ID_STRIDE;
    return this.idCells[at] === STRING_ID ? this.idStrings![slot]! : unpackUuid(this.idCells, at);
  }

  private copyId(from: number, to: number): void {
    const cells = this.idCells;
    const source = from * ID_STRIDE;
    const target = to * ID_STRIDE;
    cells[target] = cells[source];
    cells[target + 1] = cells[source + 1];
    cells[target + 2] = cells[source + 2];
    if (this.idStrings !== null) this.idStrings[to] = this.idStrings[from];
  }

  /** Where the id at `position` (0 = oldest, at most count) is stored. */
  private idSlotAt(position: number): number {
    const slot = this.idHead + position;
    return slot >= this.idLength ? slot - this.idLength : slot;
  }

  private growIds(length: number): void {
    const cells = newNumbers(length * ID_STRIDE);
    const strings = this.idStrings === null ? null : newIds(length);
    for (let position = 0; position < this.idSize; position++) {
      const from = this.idSlotAt(position);
      for (let field = 0; field < ID_STRIDE; field++) {
        cells[position * ID_STRIDE + field] = this.idCells[from * ID_STRIDE + field];
      }
      if (strings !== null) strings[position] = this.idStrings![from];
    }
    this.idCells = cells;
    this.idStrings = strings;
    this.idLength = length;
    this.idHead = 0;
  }
}

const EMPTY_CELLS: number[] = [];

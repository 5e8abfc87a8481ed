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
 * window's newest events, moved as the window inserts out of order and expires.
 */
export class PackedIdRing {
  private cells: number[] = EMPTY_CELLS;
  /** Ids that are not canonical UUIDs, aligned with the ring's slots; created by the first. */
  private strings: (string | null)[] | null = null;
  private head = 0;
  private count = 0;
  /** Slots in `cells`, kept as an integer: no division per event. */
  private length = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Inserts `id` with `newer` ids after it (0: it is the newest), dropping the oldest when
   * `capacity` ids are already held. `newer` is at most the ids held (after that drop).
   */
  insert(id: string, newer: number, capacity: number): void {
    if (this.count === capacity) this.dropOldest();
    else if (this.count === this.length)
      this.grow(Math.min(capacity, Math.max(2, this.length * 2)));
    let to = this.slotAt(this.count);
    for (let moved = 0; moved < newer; moved++) {
      const from = to === 0 ? this.length - 1 : to - 1;
      this.copy(from, to);
      to = from;
    }
    this.write(to, id);
    this.count++;
  }

  dropOldest(): void {
    if (this.strings !== null) this.strings[this.head] = null;
    this.head = this.head + 1 === this.length ? 0 : this.head + 1;
    this.count--;
  }

  clear(): void {
    if (this.strings !== null) this.strings.fill(null);
    this.head = 0;
    this.count = 0;
  }

  /** Ids newest first, at most `limit`. */
  newest(limit: number): string[] {
    const result: string[] = [];
    for (let position = this.count - 1; position >= 0 && result.length < limit; position--) {
      result.push(this.read(this.slotAt(position)));
    }
    return result;
  }

  private write(slot: number, id: string): void {
    const at = slot * ID_STRIDE;
    if (packUuid(id, this.cells, at)) {
      if (this.strings !== null) this.strings[slot] = null;
      return;
    }
    this.cells[at] = STRING_ID;
    (this.strings ??= newIds(this.length))[slot] = id;
  }

  private read(slot: number): string {
    const at = slot * ID_STRIDE;
    return this.cells[at] === STRING_ID ? this.strings![slot]! : unpackUuid(this.cells, at);
  }

  private copy(from: number, to: number): void {
    const cells = this.cells;
    const source = from * ID_STRIDE;
    const target = to * ID_STRIDE;
    cells[target] = cells[source];
    cells[target + 1] = cells[source + 1];
    cells[target + 2] = cells[source + 2];
    if (this.strings !== null) this.strings[to] = this.strings[from];
  }

  /** Where the id at `position` (0 = oldest, at most count) is stored. */
  private slotAt(position: number): number {
    const slot = this.head + position;
    return slot >= this.length ? slot - this.length : slot;
  }

  private grow(length: number): void {
    const cells = newNumbers(length * ID_STRIDE);
    const strings = this.strings === null ? null : newIds(length);
    for (let position = 0; position < this.count; position++) {
      const from = this.slotAt(position);
      for (let field = 0; field < ID_STRIDE; field++) {
        cells[position * ID_STRIDE + field] = this.cells[from * ID_STRIDE + field];
      }
      if (strings !== null) strings[position] = this.strings![from];
    }
    this.cells = cells;
    this.strings = strings;
    this.length = length;
    this.head = 0;
  }
}

const EMPTY_CELLS: number[] = [];

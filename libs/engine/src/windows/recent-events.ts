import { packUuid, unpackUuid } from '@app/contracts/uuid-parts';
import { BlockStore, NO_BLOCK, NO_BLOCK_WORDS } from './block-store';
import { newIds } from './exact-arrays';
import { ID_STRIDE, WORDS_PER_NUMBER } from './packed-event-ids';

/**
 * A ring's first length. Each growth is a new array that lives until the key's next event
 * outgrows it; with many keys that is longer than a scavenge, so every size is copied by the
 * GC: starting at 4 rather than 2 saves one of them (a key of one or two events holds two
 * empty entries more).
 */
const FIRST_LENGTH = 4;

/**
 * (time, id) pairs sorted oldest first, bounded to the newest `capacity`; only the newest
 * `idCapacity` keep their id, because nothing older is ever reported (a count rule may
 * need 10,001 timestamps but reports at most 100 ids). Among equal times the later
 * arrival counts as newer.
 *
 * The whole numeric state of a key's window is one block of its engine's BlockStore (see there
 * why not a JS array), laid out as
 *
 *     [ front (the subclass's own numbers) | times ring | ids ring (2 numbers an id) ]
 *
 * Each ring doubles up to what it may hold (into a new block: the old one goes back to the
 * store): in-order events append and expire in O(1) without allocating, and a key holding a
 * few events costs a few slots. The ids ring holds the ids of the newest min(count, idCapacity)
 * entries, oldest first, packed as four 32-bit words each, read and written through `words`
 * (see packed-event-ids.ts). The key state (keys/key-state.ts) extends this one: a key is one
 * object.
 */
export class RecentEvents {
  /** The store's array that holds this key's block, and where the block starts in it. */
  protected cells: Float64Array;
  protected at: number;
  /** `cells` as 32-bit words, for the ids ring (a number at index i is words 2i and 2i + 1). */
  private words: Uint32Array;
  /** Where the times ring starts in `cells` (at + front): one addition less per access. */
  private rings: number;
  /**
   * Ids that are not canonical UUIDs, by ids-ring slot; created by the first such id. A slot
   * with a string here is that string, whatever its words hold.
   */
  private idStrings: (string | null)[] | null = null;
  /** Storage index of the oldest entry, within the times ring. */
  private head = 0;
  private count = 0;
  private timeLength = 0;
  private idHead = 0;
  private idCount = 0;
  private idLength = 0;

  /**
   * `front`: numbers at the start of the block that belong to the subclass, zero at first.
   * The rings start at the lengths their first insert would give them (see firstRingLengths):
   * a key is created for an event, and a smaller block would go back at once.
   */
  constructor(
    protected readonly store: BlockStore = new BlockStore(),
    private readonly front = 0,
    timeLength = 0,
    idLength = 0,
  ) {
    this.at = store.allocate(front + timeLength + idLength * ID_STRIDE);
    const cells = (this.cells = store.chunkOfLast);
    this.words = store.wordsOfLast;
    this.rings = this.at + front;
    // A reused block holds its last owner's numbers: the rings are written before they are
    // read, the front (a tumbling key's counts) is not.
    for (let i = this.at; i < this.rings; i++) cells[i] = 0;
    this.timeLength = timeLength;
    this.idLength = idLength;
  }

  get size(): number {
    return this.count;
  }

  oldestTime(): number {
    return this.count > 0 ? this.cells[this.rings + this.head] : Infinity;
  }

  insert(time: number, id: string, capacity: number, idCapacity: number): void {
    if (this.count >= capacity) {
      // Older than everything kept and no room: it would be dropped at once.
      if (time < this.cells[this.rings + this.head]) return;
      this.dropOldest();
    } else if (this.count === this.timeLength) {
      const timeLength = Math.min(capacity, Math.max(FIRST_LENGTH, this.timeLength * 2));
      // The ids ring grows with it while it can: one copy instead of two.
      this.relayout(timeLength, Math.max(this.idLength, Math.min(idCapacity, timeLength)));
    }
    const cells = this.cells;
    const base = this.rings;
    const length = this.timeLength;
    // Insertion sort from the newest end: in-order arrivals do not move anything.
    let position = this.count;
    let slot = this.storageIndex(position);
    while (position > 0) {
      const before = slot === 0 ? length - 1 : slot - 1;
      if (cells[base + before] <= time) break;
      cells[base + slot] = cells[base + before];
      slot = before;
      position--;
    }
    cells[base + slot] = time;
    const newer = this.count - position;
    this.count++;
    // Only the newest idCapacity entries keep an id: the ids ring holds exactly theirs.
    if (newer < idCapacity) this.insertId(id, newer, idCapacity);
  }

  /** Drops entries with time <= limit. */
  dropThrough(limit: number): void {
    while (this.count > 0 && this.cells[this.rings + this.head] <= limit) this.dropOldest();
  }

  /** Drops entries with time < limit. */
  dropBefore(limit: number): void {
    while (this.count > 0 && this.cells[this.rings + this.head] < limit) this.dropOldest();
  }

  /** Empties the list but keeps its storage: a tumbling key refills it every bucket. */
  clear(): void {
    if (this.idStrings !== null) this.idStrings.fill(null);
    this.head = 0;
    this.count = 0;
    this.idHead = 0;
    this.idCount = 0;
  }

  /** Gives the block back to the store: the key is forgotten and must not be used again. */
  release(): void {
    this.store.release(this.cells, this.at, this.blockLength());
    this.cells = NO_BLOCK;
    this.words = NO_BLOCK_WORDS;
  }

  /** Ids newest first, at most `limit`. */
  newestIds(limit: number): string[] {
    const result: string[] = [];
    for (let position = this.idCount - 1; position >= 0 && result.length < limit; position--) {
      result.push(this.readId(this.idSlot(position)));
    }
    return result;
  }

  private dropOldest(): void {
    // The ids ring covers the newest entries: the oldest entry has one only when all do.
    if (this.idCount === this.count) this.dropOldestId();
    this.head = this.head + 1 === this.timeLength ? 0 : this.head + 1;
    this.count--;
  }

  /** Where the entry at `position` (0 = oldest, at most count) is stored in the times ring. */
  private storageIndex(position: number): number {
    const index = this.head + position;
    return index >= this.timeLength ? index - this.timeLength : index;
  }

  /**
   * Inserts `id` with `newer` ids after it (0: it is the newest), dropping the oldest id when
   * `idCapacity` are held. `newer` is at most the ids held after that drop.
   */
  private insertId(id: string, newer: number, idCapacity: number): void {
    if (this.idCount === idCapacity) this.dropOldestId();
    else if (this.idCount === this.idLength) {
      this.relayout(
        this.timeLength,
        Math.min(idCapacity, Math.max(FIRST_LENGTH, this.idLength * 2)),
      );
    }
    let to = this.idSlot(this.idCount);
    for (let moved = 0; moved < newer; moved++) {
      const from = to === 0 ? this.idLength - 1 : to - 1;
      this.copyId(from, to);
      to = from;
    }
    this.writeId(to, id);
    this.idCount++;
  }

  private dropOldestId(): void {
    if (this.idStrings !== null) this.idStrings[this.idHead] = null;
    this.idHead = this.idHead + 1 === this.idLength ? 0 : this.idHead + 1;
    this.idCount--;
  }

  /** Where the id at `position` (0 = oldest, at most idCount) is, as an ids-ring slot. */
  private idSlot(position: number): number {
    const slot = this.idHead + position;
    return slot >= this.idLength ? slot - this.idLength : slot;
  }

  /** Index in `words` of the first word of ids-ring slot `slot`. */
  private idAt(slot: number): number {
    return (this.rings + this.timeLength + slot * ID_STRIDE) * WORDS_PER_NUMBER;
  }

  private writeId(slot: number, id: string): void {
    if (packUuid(id, this.words, this.idAt(slot))) {
      if (this.idStrings !== null) this.idStrings[slot] = null;
      return;
    }
    (this.idStrings ??= newIds(this.idLength))[slot] = id;
  }

  private readId(slot: number): string {
    const text = this.idStrings === null ? null : this.idStrings[slot];
    return text ?? unpackUuid(this.words, this.idAt(slot));
  }

  private copyId(from: number, to: number): void {
    const words = this.words;
    const source = this.idAt(from);
    const target = this.idAt(to);
    words[target] = words[source];
    words[target + 1] = words[source + 1];
    words[target + 2] = words[source + 2];
    words[target + 3] = words[source + 3];
    if (this.idStrings !== null) this.idStrings[to] = this.idStrings[from];
  }

  private blockLength(): number {
    return this.front + this.timeLength + this.idLength * ID_STRIDE;
  }

  /** Moves everything into a new block with rings of these lengths, each unrolled to slot 0. */
  private relayout(timeLength: number, idLength: number): void {
    const old = this.cells;
    const oldAt = this.at;
    const oldLength = this.blockLength();
    const front = this.front;
    const at = this.store.allocate(front + timeLength + idLength * ID_STRIDE);
    const cells = this.store.chunkOfLast;
    const words = this.store.wordsOfLast;
    const oldWords = this.words;
    const rings = at + front;
    for (let i = 0; i < front; i++) cells[at + i] = old[oldAt + i];
    for (let position = 0; position < this.count; position++) {
      cells[rings + position] = old[this.rings + this.storageIndex(position)];
    }
    const strings = this.idStrings === null ? null : newIds(idLength);
    const idWords = ID_STRIDE * WORDS_PER_NUMBER;
    for (let position = 0; position < this.idCount; position++) {
      const from = this.idAt(this.idSlot(position));
      const to = (rings + timeLength + position * ID_STRIDE) * WORDS_PER_NUMBER;
      for (let word = 0; word < idWords; word++) words[to + word] = oldWords[from + word];
      if (strings !== null) strings[position] = this.idStrings![this.idSlot(position)];
    }
    this.store.release(old, oldAt, oldLength);
    this.cells = cells;
    this.words = words;
    this.at = at;
    this.rings = rings;
    this.idStrings = strings;
    this.timeLength = timeLength;
    this.idLength = idLength;
    this.head = 0;
    this.idHead = 0;
  }
}

/**
 * The lengths of the times and ids rings after a first insert into an empty list bounded to
 * `capacity` entries and `idCapacity` ids (as insert() would grow them).
 */
export function firstRingLengths(
  capacity: number,
  idCapacity: number,
): [timeLength: number, idLength: number] {
  const timeLength = Math.min(capacity, FIRST_LENGTH);
  return [timeLength, Math.min(idCapacity, timeLength)];
}

import { newNumbers } from './exact-arrays';
import { PackedIdRing } from './packed-event-ids';

/**
 * (time, id) pairs sorted oldest first, bounded to the newest `capacity`; only the newest
 * `idCapacity` keep their id, because nothing older is ever reported (a count rule may
 * need 10,001 timestamps but reports at most 100 ids). Among equal times the later
 * arrival counts as newer.
 *
 * Times are a ring over an exact-size array that doubles up to `capacity`: in-order events
 * append and expire in O(1) without allocating, and a key holding a few events costs a few
 * slots, not V8's default 17 spare ones. The ids of the newest `idCapacity` entries are a
 * second, packed ring (no string per id: see packed-event-ids.ts) that this class extends, as
 * the window classes extend this one: a key's window is one object.
 */
export class RecentEvents extends PackedIdRing {
  private times: number[] = EMPTY_TIMES;
  /** Storage index of the oldest entry. */
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  oldestTime(): number {
    return this.count > 0 ? this.times[this.head] : Infinity;
  }

  insert(time: number, id: string, capacity: number, idCapacity: number): void {
    if (this.count >= capacity) {
      // Older than everything kept and no room: it would be dropped at once.
      if (time < this.times[this.head]) return;
      this.dropOldest();
    } else if (this.count === this.times.length) {
      this.grow(Math.min(capacity, Math.max(2, this.times.length * 2)));
    }
    const times = this.times;
    const length = times.length;
    // Insertion sort from the newest end: in-order arrivals do not move anything.
    let position = this.count;
    let slot = this.storageIndex(position);
    while (position > 0) {
      const before = slot === 0 ? length - 1 : slot - 1;
      if (times[before] <= time) break;
      times[slot] = times[before];
      slot = before;
      position--;
    }
    times[slot] = time;
    const newer = this.count - position;
    this.count++;
    // Only the newest idCapacity entries keep an id: the ids ring holds exactly theirs.
    if (newer < idCapacity) this.insertId(id, newer, idCapacity);
  }

  /** Drops entries with time <= limit. */
  dropThrough(limit: number): void {
    while (this.count > 0 && this.times[this.head] <= limit) this.dropOldest();
  }

  /** Drops entries with time < limit. */
  dropBefore(limit: number): void {
    while (this.count > 0 && this.times[this.head] < limit) this.dropOldest();
  }

  /** Empties the list but keeps its storage: a tumbling key refills it every bucket. */
  clear(): void {
    this.clearIds();
    this.head = 0;
    this.count = 0;
  }

  private dropOldest(): void {
    // The ids ring covers the newest entries: the oldest entry has one only when all do.
    if (this.idCount === this.count) this.dropOldestId();
    this.head = this.head + 1 === this.times.length ? 0 : this.head + 1;
    this.count--;
  }

  /** Where the entry at `position` (0 = oldest, at most count) is stored. */
  private storageIndex(position: number): number {
    const index = this.head + position;
    return index >= this.times.length ? index - this.times.length : index;
  }

  private grow(length: number): void {
    const times = newNumbers(length);
    for (let position = 0; position < this.count; position++) {
      times[position] = this.times[this.storageIndex(position)];
    }
    this.times = times;
    this.head = 0;
  }
}

const EMPTY_TIMES: number[] = [];

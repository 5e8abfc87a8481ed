import { newIds, newNumbers } from './exact-arrays';

/**
 * (time, id) pairs sorted oldest first, bounded to the newest `capacity`; only the newest
 * `idCapacity` keep their id, because nothing older is ever reported (a count rule may
 * need 10,001 timestamps but reports at most 100 ids). Among equal times the later
 * arrival counts as newer.
 *
 * Stored as a ring over two exact-size arrays that double up to `capacity`: in-order
 * events append and expire in O(1) without allocating, and a key holding a few events
 * costs a few slots, not V8's default 17 spare ones.
 */
export class RecentEvents {
  private times: number[] = EMPTY_TIMES;
  private ids: (string | null)[] = EMPTY_IDS;
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
    const ids = this.ids;
    const length = times.length;
    // Insertion sort from the newest end: in-order arrivals do not move anything.
    let position = this.count;
    let slot = this.storageIndex(position);
    while (position > 0) {
      const before = slot === 0 ? length - 1 : slot - 1;
      if (times[before] <= time) break;
      times[slot] = times[before];
      ids[slot] = ids[before];
      slot = before;
      position--;
    }
    times[slot] = time;
    ids[slot] = id;
    this.count++;
    const firstWithId = this.count - idCapacity;
    if (firstWithId > 0) {
      ids[this.storageIndex(position < firstWithId ? position : firstWithId - 1)] = null;
    }
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
    this.ids.fill(null);
    this.head = 0;
    this.count = 0;
  }

  /** Ids newest first, at most `limit`. */
  newestIds(limit: number): string[] {
    const result: string[] = [];
    for (let position = this.count - 1; position >= 0 && result.length < limit; position--) {
      const id = this.ids[this.storageIndex(position)];
      if (id !== null) result.push(id);
    }
    return result;
  }

  private dropOldest(): void {
    this.ids[this.head] = null;
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
    const ids = newIds(length);
    for (let position = 0; position < this.count; position++) {
      const from = this.storageIndex(position);
      times[position] = this.times[from];
      ids[position] = this.ids[from];
    }
    this.times = times;
    this.ids = ids;
    this.head = 0;
  }
}

const EMPTY_TIMES: number[] = [];
const EMPTY_IDS: (string | null)[] = [];

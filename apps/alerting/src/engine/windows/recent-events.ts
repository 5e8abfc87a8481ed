/**
 * (time, id) pairs sorted oldest first, bounded to the newest `capacity`; only the newest
 * `idCapacity` keep their id, because nothing older is ever reported (a count rule may
 * need 10,001 timestamps but reports at most 100 ids). Among equal times the later
 * arrival counts as newer.
 */
export class RecentEvents {
  private times: number[] = [];
  private ids: (string | null)[] = [];

  get size(): number {
    return this.times.length;
  }

  oldestTime(): number {
    return this.times.length > 0 ? this.times[0] : Infinity;
  }

  insert(time: number, id: string, capacity: number, idCapacity: number): void {
    const times = this.times;
    const length = times.length;
    const at = upperBound(times, time);
    // Older than everything kept and no room: it would be dropped at once.
    if (at === 0 && length >= capacity) return;
    if (at === length) {
      times.push(time);
      this.ids.push(id);
    } else {
      times.splice(at, 0, time);
      this.ids.splice(at, 0, id);
    }
    const firstWithId = length + 1 - idCapacity;
    if (firstWithId > 0) this.ids[at < firstWithId ? at : firstWithId - 1] = null;
    if (length + 1 > capacity) this.dropOldest(1);
  }

  /** Drops entries with time <= limit. */
  dropThrough(limit: number): void {
    let count = 0;
    while (count < this.times.length && this.times[count] <= limit) count++;
    this.dropOldest(count);
  }

  /** Drops entries with time < limit. */
  dropBefore(limit: number): void {
    let count = 0;
    while (count < this.times.length && this.times[count] < limit) count++;
    this.dropOldest(count);
  }

  clear(): void {
    if (this.times.length === 0) return;
    this.times = [];
    this.ids = [];
  }

  /** Ids newest first, at most `limit`. */
  newestIds(limit: number): string[] {
    const result: string[] = [];
    for (let i = this.ids.length - 1; i >= 0 && result.length < limit; i--) {
      const id = this.ids[i];
      if (id !== null) result.push(id);
    }
    return result;
  }

  private dropOldest(count: number): void {
    if (count === 0) return;
    if (count === 1) {
      this.times.shift();
      this.ids.shift();
    } else {
      this.times.splice(0, count);
      this.ids.splice(0, count);
    }
  }
}

/** First index whose time is greater than `time` (the list is sorted ascending). */
function upperBound(times: readonly number[], time: number): number {
  let low = 0;
  let high = times.length;
  // Most events arrive in order: check the end before searching.
  if (high === 0 || times[high - 1] <= time) return high;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle] <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

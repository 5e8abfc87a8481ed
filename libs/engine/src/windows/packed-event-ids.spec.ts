import { randomUUID } from 'node:crypto';
import { Prng } from '../testing/prng';
import { RecentEvents } from './recent-events';

/** The newest `idCapacity` of the kept (newest `capacity`) entries, by brute force. */
class NaiveRecentEvents {
  private entries: Array<{ time: number; id: string; order: number }> = [];
  private order = 0;

  insert(time: number, id: string, capacity: number): void {
    this.entries.push({ time, id, order: this.order++ });
    this.entries.sort((a, b) => a.time - b.time || a.order - b.order);
    if (this.entries.length > capacity) this.entries.shift();
  }

  dropThrough(limit: number): void {
    this.entries = this.entries.filter((entry) => entry.time > limit);
  }

  newestIds(idCapacity: number): string[] {
    return this.entries
      .slice(-idCapacity)
      .reverse()
      .map((entry) => entry.id);
  }
}

describe('RecentEvents with packed and plain ids', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'reports the same ids as a brute-force list (seed %i)',
    (seed) => {
      const random = new Prng(seed);
      const capacity = random.int(1, 40);
      const idCapacity = random.int(1, capacity);
      const events = new RecentEvents();
      const naive = new NaiveRecentEvents();
      let now = 1_700_000_000_000;
      for (let step = 0; step < 2000; step++) {
        if (random.chance(0.1)) {
          const limit = now - random.int(0, 200);
          events.dropThrough(limit);
          naive.dropThrough(limit);
        } else {
          now += random.int(0, 20);
          const time = now - (random.chance(0.3) ? random.int(0, 300) : 0);
          const id = random.chance(0.5) ? randomUUID() : `plain-${step}`;
          events.insert(time, id, capacity, idCapacity);
          naive.insert(time, id, capacity);
        }
        expect(events.newestIds(idCapacity)).toEqual(naive.newestIds(idCapacity));
      }
    },
  );
});

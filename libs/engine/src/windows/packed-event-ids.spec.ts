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

  it('keeps ids whose words, read as a number, are a NaN or an infinity, through growth and moves', () => {
    // Words 2i and 2i + 1 of the block are number i: these make it a NaN with a payload, a
    // negative NaN, an infinity. A copy through numbers could change a NaN's bits.
    const ids = [
      '00000000-7ff8-0001-0000-000000000000', // a quiet NaN with a payload
      'ffffffff-ffff-ffff-ffff-ffffffffffff', // a negative NaN, twice
      '00000000-7ff0-0000-0000-0000fff00000', // +Infinity, then -Infinity
      '00000001-fff4-0000-0000-00017ff00000', // signalling NaNs, which a CPU may quieten
    ];
    const events = new RecentEvents();
    // Out of order, so the insertion moves ids already kept; 20 of each, so the rings grow.
    const times = [40, 10, 30, 20];
    const naive = new NaiveRecentEvents();
    for (let round = 0; round < 20; round++) {
      ids.forEach((id, i) => {
        events.insert(round * 100 + times[i], id, 1000, 50);
        naive.insert(round * 100 + times[i], id, 1000);
      });
    }
    expect(events.newestIds(50)).toEqual(naive.newestIds(50));
    expect(new Set(events.newestIds(50))).toEqual(new Set(ids));
  });
});

import { randomUUID } from 'node:crypto';
import { Prng } from '../testing/prng';
import { packUuid, unpackUuid } from './packed-event-ids';
import { RecentEvents } from './recent-events';

describe('packed event ids', () => {
  it('round-trips canonical UUIDs, including all-zero and all-f digits', () => {
    const ids = [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '0123abcd-4567-89ef-0a1b-2c3d4e5f6789',
      ...Array.from({ length: 1000 }, () => randomUUID()),
    ];
    const cells: number[] = [0, 0, 0];
    for (const id of ids) {
      expect(packUuid(id, cells, 0)).toBe(true);
      expect(unpackUuid(cells, 0)).toBe(id);
    }
  });

  it('refuses anything else, so it is kept as written', () => {
    const cells = [7, 7, 7];
    for (const text of [
      '',
      'e1',
      '0123ABCD-4567-89ef-0a1b-2c3d4e5f6789', // upper case would come back lower
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678', // 35 characters
      '0123abcd-4567-89ef-0a1b-2c3d4e5f67890',
      '0123abcd+4567-89ef-0a1b-2c3d4e5f6789',
      '0123abcg-4567-89ef-0a1b-2c3d4e5f6789',
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678\u00e9', // beyond ASCII
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678-',
    ]) {
      expect(packUuid(text, cells, 0)).toBe(false);
    }
  });

  it('packs an id again, or another after it, to the same parts', () => {
    const first = '0123abcd-4567-89ef-0a1b-2c3d4e5f6789';
    const second = 'ffffffff-0000-1111-2222-333333333333';
    const cells: number[] = new Array(12).fill(0);
    // The same text as another string (as each parsed message holds its own), then the same one.
    for (const [id, at] of [
      [first, 0],
      [JSON.parse(JSON.stringify(first)) as string, 3],
      [second, 6],
      [first, 9],
    ] as const) {
      expect(packUuid(id, cells, at)).toBe(true);
    }
    expect(unpackUuid(cells, 0)).toBe(first);
    expect(cells.slice(3, 6)).toEqual(cells.slice(0, 3));
    expect(unpackUuid(cells, 6)).toBe(second);
    expect(cells.slice(9, 12)).toEqual(cells.slice(0, 3));
    // A refused text in between leaves the last packed id as it was.
    expect(packUuid('e1', cells, 0)).toBe(false);
    expect(packUuid(second, cells, 0)).toBe(true);
    expect(unpackUuid(cells, 0)).toBe(second);
  });

  it('refuses an empty text as the very first one it sees', () => {
    jest.isolateModules(() => {
      // A module of its own: nothing packed yet.
      const fresh = jest.requireActual<typeof import('./packed-event-ids')>('./packed-event-ids');
      expect(fresh.packUuid('', [7, 7, 7], 0)).toBe(false);
    });
  });

  it('refuses a wrong character at any one position, and writes nothing', () => {
    const valid = '0123abcd-4567-89ef-0a1b-2c3d4e5f6789';
    const dashes = new Set([8, 13, 18, 23]);
    for (let position = 0; position < valid.length; position++) {
      // Not a digit where one belongs (ASCII, beyond Latin-1, half a surrogate pair), or a
      // digit where a dash belongs.
      const wrong = dashes.has(position) ? ['0'] : ['g', 'A', '\u0660', '\ud83d'];
      for (const character of wrong) {
        const text = valid.slice(0, position) + character + valid.slice(position + 1);
        const cells = [7, 7, 7];
        expect(packUuid(text, cells, 0)).toBe(false);
        expect(cells).toEqual([7, 7, 7]);
      }
    }
  });
});

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

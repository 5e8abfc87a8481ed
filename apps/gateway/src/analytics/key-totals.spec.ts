import {
  bucketCountsOf as countsOf,
  hasNegativeTotal,
  KeyIndex,
  largestTotals as largestOfTotals,
  SignedCounts,
  totalsOf,
} from './key-totals';

const bucketCountsOf = (index: KeyIndex, counts: Record<string, number>) =>
  countsOf(index, Object.keys(counts), Object.values(counts));

/** What the analytics repository does: add the buckets up once, then take the largest. */
const largestTotals = (index: KeyIndex, buckets: SignedCounts, limit: number) =>
  largestOfTotals(index, totalsOf(index, buckets), limit);

describe('largestTotals', () => {
  it('adds signed buckets, largest first, ties by key, zeros left out', () => {
    const index = new KeyIndex();
    const day = bucketCountsOf(index, { a: 10, b: 4, c: 3, d: 1 });
    const hourOutside = bucketCountsOf(index, { a: 2, d: 1 });
    const minute = bucketCountsOf(index, { e: 2, b: 1 });
    const open = bucketCountsOf(index, { c: 2, new: 5 });
    expect(
      largestTotals(
        index,
        [
          { sign: 1, counts: day },
          { sign: -1, counts: hourOutside },
          { sign: 1, counts: minute },
          { sign: 1, counts: open },
        ],
        4,
      ),
    ).toEqual([
      { key: 'a', count: 8 },
      { key: 'b', count: 5 },
      { key: 'c', count: 5 },
      { key: 'new', count: 5 },
    ]);
    // d is 1 - 1 = 0: not a key with events.
    expect(
      largestTotals(
        index,
        [
          { sign: 1, counts: day },
          { sign: -1, counts: hourOutside },
        ],
        10,
      ),
    ).not.toContainEqual(expect.objectContaining({ key: 'd' }));
  });

  it('keeps the same keys as a full sort would, for any limit', () => {
    let seed = 5;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 50; trial++) {
      const index = new KeyIndex();
      const counts: Record<string, number> = {};
      for (let k = 0; k < 200; k++)
        counts[`k${Math.floor(random() * 300)}`] = Math.floor(random() * 8);
      const all = Object.entries(counts)
        .filter(([, n]) => n !== 0)
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
      const limit = 1 + Math.floor(random() * 60);
      expect(
        largestTotals(index, [{ sign: 1, counts: bucketCountsOf(index, counts) }], limit),
      ).toEqual(all.slice(0, limit));
    }
  });

  it('adds up a key that a bucket holds more than once', () => {
    const index = new KeyIndex();
    const rollup = countsOf(index, ['web-1', 'web-2', 'web-1'], [3, 1, 4]);
    expect(largestTotals(index, [{ sign: 1, counts: rollup }], 5)).toEqual([
      { key: 'web-1', count: 7 },
      { key: 'web-2', count: 1 },
    ]);
  });

  it('numbers each key once per index', () => {
    const index = new KeyIndex();
    bucketCountsOf(index, { x: 1, y: 2 });
    const again = bucketCountsOf(index, { y: 5, z: 1 });
    expect(index.keys).toEqual(['x', 'y', 'z']);
    expect([...again.ids]).toEqual([1, 2]);
    expect(new KeyIndex().serial).not.toBe(index.serial);
  });
});

describe('hasNegativeTotal', () => {
  it('tells a cover whose pieces disagree (more taken out than counted in) from one that agrees', () => {
    const index = new KeyIndex();
    const keptDay = bucketCountsOf(index, { a: 3 });
    const hoursOutside = bucketCountsOf(index, { a: 2, b: 1 });
    expect(
      hasNegativeTotal(
        totalsOf(index, [
          { sign: 1, counts: bucketCountsOf(index, { a: 5, b: 1 }) },
          { sign: -1, counts: hoursOutside },
        ]),
      ),
    ).toBe(false);
    expect(
      hasNegativeTotal(
        totalsOf(index, [
          { sign: 1, counts: keptDay },
          { sign: -1, counts: hoursOutside },
        ]),
      ),
    ).toBe(true);
  });
});

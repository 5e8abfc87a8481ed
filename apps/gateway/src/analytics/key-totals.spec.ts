import { bucketCountsOf, KeyIndex, largestTotals } from './key-totals';

describe('largestTotals', () => {
  it('adds signed buckets and loose counts, largest first, ties by key, zeros left out', () => {
    const index = new KeyIndex();
    const day = bucketCountsOf(index, { a: 10, b: 4, c: 3, d: 1 });
    const hourOutside = bucketCountsOf(index, { a: 2, d: 1 });
    const minute = bucketCountsOf(index, { e: 2, b: 1 });
    expect(
      largestTotals(
        index,
        [
          { sign: 1, counts: day },
          { sign: -1, counts: hourOutside },
          { sign: 1, counts: minute },
        ],
        [
          { key: 'c', count: 2 },
          { key: 'new', count: 5 },
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
        [],
        10,
      ),
    ).not.toContainEqual(expect.objectContaining({ key: 'd' }));
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

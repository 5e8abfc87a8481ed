import {
  MAX_SERIES_POINTS,
  seriesBucketEnds,
  seriesBucketSeconds,
  WorstKey,
} from './backtest-series';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;

describe('seriesBucketSeconds', () => {
  it.each([
    [HOUR, 15, 240],
    [24 * HOUR, 600, 144],
    [7 * 24 * HOUR, 3600, 168],
    [10_000, 1, 10],
    [HOUR + 1, 30, 121],
  ])('a range of %d ms: %d s buckets, %d points', (span, seconds, points) => {
    expect(seriesBucketSeconds(T0, T0 + span)).toBe(seconds);
    expect(seriesBucketEnds(T0, T0 + span, seconds)).toHaveLength(points);
  });

  it('never gives more than the most points, whatever the span', () => {
    for (let span = 1; span <= 30 * 24 * HOUR; span = Math.ceil(span * 1.37)) {
      const ends = seriesBucketEnds(T0, T0 + span, seriesBucketSeconds(T0, T0 + span));
      expect(ends.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
      expect(ends.length).toBeGreaterThan(0);
    }
  });
});

describe('seriesBucketEnds', () => {
  it('ends buckets at from + k buckets, the last one at to', () => {
    expect(seriesBucketEnds(T0, T0 + 35_000, 10)).toEqual([
      T0 + 10_000,
      T0 + 20_000,
      T0 + 30_000,
      T0 + 35_000,
    ]);
  });

  it('puts no point past to when the range is a whole number of buckets', () => {
    expect(seriesBucketEnds(T0, T0 + 30_000, 10)).toEqual([T0 + 10_000, T0 + 20_000, T0 + 30_000]);
  });

  it('has no point for an empty range', () => {
    expect(seriesBucketEnds(T0, T0, 10)).toEqual([]);
  });
});

describe('WorstKey', () => {
  const worstOf = (operator: '>' | '>=' | '<' | '<=' | '==' | '!=', values: [string, number][]) => {
    const worst = new WorstKey(operator, 5);
    for (const [key, value] of values) worst.offer(key, value);
    return [worst.groupKey, worst.value];
  };
  const values: [string, number][] = [
    ['b', 3],
    ['a', 9],
    ['c', 0],
    ['d', 6],
  ];

  it('takes the largest value for > and >=', () => {
    expect(worstOf('>', values)).toEqual(['a', 9]);
    expect(worstOf('>=', values)).toEqual(['a', 9]);
  });

  it('takes the smallest value for < and <=', () => {
    expect(worstOf('<', values)).toEqual(['c', 0]);
    expect(worstOf('<=', values)).toEqual(['c', 0]);
  });

  it('takes the value nearest the threshold for ==, the furthest for !=', () => {
    expect(worstOf('==', values)).toEqual(['d', 6]);
    expect(worstOf('!=', values)).toEqual(['c', 0]);
  });

  it('keeps the smaller key among equally bad ones, in whatever order they come', () => {
    expect(
      worstOf('>', [
        ['z', 7],
        ['m', 7],
        ['x', 2],
      ]),
    ).toEqual(['m', 7]);
    expect(
      worstOf('==', [
        ['z', 4],
        ['m', 6],
      ]),
    ).toEqual(['m', 6]);
  });

  it('has no key and no value when offered none', () => {
    expect(worstOf('>', [])).toEqual([null, null]);
  });
});

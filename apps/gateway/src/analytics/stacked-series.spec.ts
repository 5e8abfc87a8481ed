import { bucketCountsOf, KeyIndex } from './key-totals';
import { KeyedBucketCounts, stackedSeries } from './stacked-series';

const MINUTE = 60_000;
const from = new Date('2026-11-23T10:00:00Z');
const to = new Date(from.getTime() + 3 * MINUTE);
const at = (minute: number) => new Date(from.getTime() + minute * MINUTE).toISOString();

/** Stored buckets as [minute offset, key, count] rows. */
function rowsOf(rows: Array<[number, string, number]>): KeyedBucketCounts {
  const index = new KeyIndex();
  return {
    index,
    at: Float64Array.from(rows, ([minute]) => from.getTime() + minute * MINUTE),
    counts: bucketCountsOf(
      index,
      rows.map(([, key]) => key),
      rows.map(([, , count]) => count),
    ),
  };
}

describe('stackedSeries', () => {
  it('gives the busiest keys a series each, most events first, every bucket filled', () => {
    const series = stackedSeries(
      rowsOf([
        [0, 'a', 2],
        [2, 'a', 1],
        [1, 'b', 5],
      ]),
      from,
      to,
      'minute',
    );
    expect(series).toEqual([
      {
        key: 'b',
        points: [
          { at: at(0), count: 0 },
          { at: at(1), count: 5 },
          { at: at(2), count: 0 },
        ],
      },
      {
        key: 'a',
        points: [
          { at: at(0), count: 2 },
          { at: at(1), count: 0 },
          { at: at(2), count: 1 },
        ],
      },
    ]);
  });

  it('puts the keys past the limit into "other", whose counts and the named ones add up to the total', () => {
    const rows: Array<[number, string, number]> = [];
    for (let type = 0; type < 12; type++) {
      for (let minute = 0; minute < 3; minute++)
        rows.push([minute, `t${type}`, 100 - type + minute]);
    }
    const series = stackedSeries(rowsOf(rows), from, to, 'minute');
    expect(series.map((s) => s.key)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't7',
      'other',
    ]);
    const other = series.at(-1)!;
    // t8..t11 in minute 0: 92 + 91 + 90 + 89.
    expect(other.points[0]).toEqual({ at: at(0), count: 362 });
    for (let minute = 0; minute < 3; minute++) {
      const stacked = series.reduce((sum, s) => sum + s.points[minute].count, 0);
      const total = rows.filter(([m]) => m === minute).reduce((sum, [, , c]) => sum + c, 0);
      expect(stacked).toBe(total);
    }
  });

  it('folds finer stored buckets into the interval, negative spans of the cover included', () => {
    const series = stackedSeries(
      rowsOf([
        [0, 'a', 7],
        [61, 'a', 3],
        // An hour bucket less a minute of it outside the range, as the cover reads ends.
        [180, 'a', 10],
        [230, 'a', -2],
      ]),
      from,
      new Date(from.getTime() + 4 * 60 * MINUTE),
      'hour',
    );
    expect(series).toEqual([
      {
        key: 'a',
        points: [
          { at: at(0), count: 7 },
          { at: at(60), count: 3 },
          { at: at(120), count: 0 },
          { at: at(180), count: 8 },
        ],
      },
    ]);
  });

  it('leaves "other" out when the rest have no events, and answers no series for no events', () => {
    expect(stackedSeries(rowsOf([[0, 'a', 1]]), from, to, 'minute', 1).map((s) => s.key)).toEqual([
      'a',
    ]);
    expect(
      stackedSeries(
        rowsOf([
          [0, 'a', 1],
          [0, 'b', 0],
        ]),
        from,
        to,
        'minute',
        1,
      ).map((s) => s.key),
    ).toEqual(['a']);
    expect(stackedSeries(rowsOf([]), from, to, 'minute')).toEqual([]);
  });
});

import { BucketCounts, KeyIndex, largestTotals, totalsOf } from './key-totals';
import { bucketStart, fillBuckets, Interval } from './time-buckets';

/** How many keys a stacked series shows by name: more bands than a chart can tell apart. */
export const STACKED_KEYS = 8;
/** The series of every key not shown by name. */
export const OTHER_KEY = 'other';

/** Counts per stored bucket and key: `at[i]` (epoch ms) is the bucket of count i. */
export interface KeyedBucketCounts {
  index: KeyIndex;
  at: Float64Array;
  counts: BucketCounts;
}

export interface StackedSeries {
  key: string;
  points: { at: string; count: number }[];
}

/**
 * The `limit` keys with the most events in the range, largest first (ties by key), each
 * with its own series, then `other` for the rest when they have any event. Every series has
 * every bucket of [from, to), zeros included, so the bands stack and add up to the total.
 */
export function stackedSeries(
  rows: KeyedBucketCounts,
  from: Date,
  to: Date,
  interval: Interval,
  limit = STACKED_KEYS,
): StackedSeries[] {
  const { index, at, counts } = rows;
  const top = largestTotals(index, totalsOf(index, [{ sign: 1, counts }]), limit);
  const byId = new Map(top.map(({ key }) => [index.idOf(key), new Map<number, number>()]));
  const other = new Map<number, number>();
  for (let i = 0; i < at.length; i++) {
    const steps = byId.get(counts.ids[i]) ?? other;
    const step = bucketStart(at[i], interval);
    steps.set(step, (steps.get(step) ?? 0) + counts.counts[i]);
  }
  const series = top.map(({ key }) => ({
    key,
    points: fillBuckets(from, to, interval, byId.get(index.idOf(key))!),
  }));
  // Counts of spans the cover takes out are negative: only the sums per step tell.
  if ([...other.values()].some((count) => count !== 0))
    series.push({ key: OTHER_KEY, points: fillBuckets(from, to, interval, other) });
  return series;
}

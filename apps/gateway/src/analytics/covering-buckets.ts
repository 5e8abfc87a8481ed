import { INTERVAL_SECONDS, Interval } from './time-buckets';

/** Whole buckets of one resolution, [from, to) in epoch ms. */
export interface BucketSpan {
  resolution: Interval;
  from: number;
  to: number;
}

const COARSEST_FIRST: readonly Interval[] = ['day', 'hour', 'minute'];
const MINUTE_MS = INTERVAL_SECONDS.minute * 1000;

/**
 * Covers [from, to) exactly with the fewest stored buckets: whole UTC days in the middle,
 * whole hours beside them, minutes at the two ends. A range of a week then reads about 7 day
 * rows, up to 46 hour rows and up to 118 minute rows per key, instead of 10,080 minute rows.
 *
 * `from` and `to` must be minute-aligned (minutes are the finest rollup); `coarsest` caps
 * the resolution, so that a time series by hour never reads a day bucket it would have to
 * split.
 */
export function coveringBuckets(
  from: number,
  to: number,
  coarsest: Interval = 'day',
): BucketSpan[] {
  if (from % MINUTE_MS !== 0 || to % MINUTE_MS !== 0) {
    throw new RangeError('coveringBuckets needs minute-aligned bounds');
  }
  return cover(from, to, COARSEST_FIRST.slice(COARSEST_FIRST.indexOf(coarsest)));
}

function cover(from: number, to: number, resolutions: readonly Interval[]): BucketSpan[] {
  if (from >= to) return [];
  const [resolution, ...finer] = resolutions;
  if (finer.length === 0) return [{ resolution, from, to }];
  const step = INTERVAL_SECONDS[resolution] * 1000;
  const start = Math.ceil(from / step) * step;
  const end = Math.floor(to / step) * step;
  if (start >= end) return cover(from, to, finer);
  return [
    ...cover(from, start, finer),
    { resolution, from: start, to: end },
    ...cover(end, to, finer),
  ];
}

/**
 * The minute-aligned range the rollups can answer for [from, to): a minute bucket counts
 * when it starts inside the range, as the per-minute rollups always did, so the minute
 * `to` falls in (the current one, for "until now") is included.
 */
export function minuteAligned(from: Date, to: Date): { from: number; to: number } {
  const up = (time: number) => Math.ceil(time / MINUTE_MS) * MINUTE_MS;
  return { from: up(from.getTime()), to: up(to.getTime()) };
}

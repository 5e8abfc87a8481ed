import { INTERVAL_SECONDS, Interval } from './time-buckets';

/** Whole buckets of one resolution, [from, to) in epoch ms, counted in (1) or taken out (-1). */
export interface BucketSpan {
  resolution: Interval;
  from: number;
  to: number;
  sign: 1 | -1;
}

const COARSEST_FIRST: readonly Interval[] = ['day', 'hour', 'minute'];
const MINUTE_MS = INTERVAL_SECONDS.minute * 1000;
const HOUR_MS = INTERVAL_SECONDS.hour * 1000;
const unitMs = (resolution: Interval) => INTERVAL_SECONDS[resolution] * 1000;

/**
 * Covers [from, to) exactly with few stored buckets: whole UTC days in the middle, and at
 * each end either the finer buckets inside the range or the enclosing coarser bucket less the
 * finer ones outside it, whichever reads less. The range 14:42 yesterday to 14:42 today is
 * then 9 hours and 18 minutes of yesterday plus today's day bucket less the minutes and hours
 * after 14:42, which hold nothing yet: about 30 buckets per key, where days, hours and minutes
 * added up would be 83 (23 hours and 60 minutes).
 *
 * Every subtracted bucket lies inside one counted at a coarser resolution, so a time series
 * whose step is no finer than `coarsest` still sees each piece in its own step.
 *
 * `from` and `to` must be minute-aligned (minutes are the finest rollup); `coarsest` caps the
 * resolution; buckets that start at or after `now` cost nothing to read (no events yet).
 */
export function coveringBuckets(
  from: number,
  to: number,
  coarsest: Interval = 'day',
  now = Number.POSITIVE_INFINITY,
): BucketSpan[] {
  if (from % MINUTE_MS !== 0 || to % MINUTE_MS !== 0) {
    throw new RangeError('coveringBuckets needs minute-aligned bounds');
  }
  const resolutions = COARSEST_FIRST.slice(COARSEST_FIRST.indexOf(coarsest));
  return cheapestCover(from, to, resolutions, now).spans;
}

/** Spans and what reading them costs: one per span (an index descent) plus buckets read. */
interface Cover {
  spans: BucketSpan[];
  cost: number;
}

const NOTHING: Cover = { spans: [], cost: 0 };

const join = (...covers: Cover[]): Cover => ({
  spans: covers.flatMap((cover) => cover.spans),
  cost: covers.reduce((sum, cover) => sum + cover.cost, 0),
});

const negated = (cover: Cover): Cover => ({
  spans: cover.spans.map((span) => ({ ...span, sign: span.sign === 1 ? -1 : 1 })),
  cost: cover.cost,
});

const cheaper = (a: Cover, b: Cover): Cover => (b.cost < a.cost ? b : a);

function cheapestCover(
  from: number,
  to: number,
  resolutions: readonly Interval[],
  now: number,
): Cover {
  if (from >= to) return NOTHING;
  const [resolution, ...finer] = resolutions;
  const whole = (start: number, end: number): Cover => ({
    spans: [{ resolution, from: start, to: end, sign: 1 }],
    cost: 1 + Math.max(0, Math.ceil((Math.min(end, now) - start) / unitMs(resolution))),
  });
  if (finer.length === 0) return whole(from, to);
  const finerCover = (start: number, end: number) => cheapestCover(start, end, finer, now);
  const unit = unitMs(resolution);
  const start = Math.ceil(from / unit) * unit;
  const end = Math.floor(to / unit) * unit;
  if (start > end) {
    // Inside one bucket [end, start): its finer pieces, or the bucket less both outer parts.
    return cheaper(
      finerCover(from, to),
      join(whole(end, start), negated(finerCover(end, from)), negated(finerCover(to, start))),
    );
  }
  const head =
    from < start
      ? cheaper(
          finerCover(from, start),
          join(whole(start - unit, start), negated(finerCover(start - unit, from))),
        )
      : NOTHING;
  const tail =
    end < to
      ? cheaper(
          finerCover(end, to),
          join(whole(end, end + unit), negated(finerCover(to, end + unit))),
        )
      : NOTHING;
  return join(head, start < end ? whole(start, end) : NOTHING, tail);
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

/**
 * The part of a minute-aligned range that stored buckets answer exactly when the per-minute
 * rollups and counts before `minutesFrom` are gone: the consumer's retention deletes them a
 * whole UTC day at a time, with the events, and keeps the hour and day counts longer. An end
 * before `minutesFrom` moves to a whole hour as ends move to whole minutes: an hour counts when
 * it starts inside the range. Left alone, such an end would count as the hour it falls in or as
 * the next one, whichever cover read fewer buckets.
 */
export function countableRange(
  from: number,
  to: number,
  minutesFrom: number,
): { from: number; to: number } {
  const up = (time: number) => (time < minutesFrom ? Math.ceil(time / HOUR_MS) * HOUR_MS : time);
  return { from: up(from), to: up(to) };
}

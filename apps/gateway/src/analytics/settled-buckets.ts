import { BucketSpan } from './covering-buckets';
import { INTERVAL_SECONDS, Interval } from './time-buckets';

/** One stored bucket of a cover, counted in (1) or taken out (-1). */
export interface SignedBucket {
  resolution: Interval;
  start: number;
  sign: 1 | -1;
}

/**
 * How long after its end a bucket may still be written by batches in flight: the consumer
 * commits events within a second or two of their time, so a bucket that ended a minute ago
 * changes only when an event arrives late.
 */
export const SETTLE_MS = 60_000;

const unitMs = (resolution: Interval) => INTERVAL_SECONDS[resolution] * 1000;

/**
 * Splits a cover into the single buckets that have settled (ended at least SETTLE_MS before
 * `now`), whose counts can be kept and shared by every range that needs them, and the spans
 * still open, which are read afresh, together, so that a range sees one state of them.
 */
export function splitSettled(
  spans: readonly BucketSpan[],
  now: number,
): { settled: SignedBucket[]; open: BucketSpan[] } {
  const settled: SignedBucket[] = [];
  const open: BucketSpan[] = [];
  for (const span of spans) {
    const unit = unitMs(span.resolution);
    // Buckets starting before this have ended by now - SETTLE_MS.
    const settledUntil = Math.min(span.to, Math.floor((now - SETTLE_MS) / unit) * unit);
    for (let start = span.from; start < settledUntil; start += unit) {
      settled.push({ resolution: span.resolution, start, sign: span.sign });
    }
    const openFrom = Math.max(span.from, settledUntil);
    if (openFrom < span.to) open.push({ ...span, from: openFrom });
  }
  return { settled, open };
}

/** Buckets as few spans as possible: consecutive starts of one resolution become one span. */
export function spansOfBuckets(buckets: readonly Omit<SignedBucket, 'sign'>[]): BucketSpan[] {
  const sorted = [...buckets].sort(
    (a, b) => a.resolution.localeCompare(b.resolution) || a.start - b.start,
  );
  const spans: BucketSpan[] = [];
  for (const { resolution, start } of sorted) {
    const last = spans.at(-1);
    const end = start + unitMs(resolution);
    if (last?.resolution === resolution && last.to >= start) last.to = Math.max(last.to, end);
    else spans.push({ resolution, from: start, to: end, sign: 1 });
  }
  return spans;
}

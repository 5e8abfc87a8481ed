import type { Operator } from '@app/contracts';

/** Most points a backtest's series has: enough for a chart as wide as a page, no more. */
export const MAX_SERIES_POINTS = 240;

/** Bucket sizes a series may use, in seconds: round ones, so the points fall on round times. */
const BUCKET_SECONDS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
] as const;

export interface SeriesPoint {
  /** The bucket's end, ISO-8601: the value is the one the rule saw at that instant. */
  at: string;
  value: number | null;
  groupKey: string | null;
}

export interface BacktestSeries {
  bucketSeconds: number;
  points: SeriesPoint[];
}

/**
 * The smallest round bucket that keeps [from, to) within MAX_SERIES_POINTS points (a day
 * beyond the ladder: the backtest's 7-day cap never needs it).
 */
export function seriesBucketSeconds(from: number, to: number): number {
  const spanSeconds = Math.max(0, to - from) / 1000;
  const fits = BUCKET_SECONDS.find((seconds) => spanSeconds / seconds <= MAX_SERIES_POINTS);
  return fits ?? Math.ceil(spanSeconds / MAX_SERIES_POINTS / 86_400) * 86_400;
}

/**
 * The bucket ends of [from, to): from + k·bucket, the last one clamped to `to`, so every point
 * lies in the range and the last one is the rule at the end of it. Anchored at `from`, not at
 * round times: a range that is not a whole number of buckets would otherwise need a point
 * outside it.
 */
export function seriesBucketEnds(from: number, to: number, bucketSeconds: number): number[] {
  const ends: number[] = [];
  const step = bucketSeconds * 1000;
  for (let end = from + step; ; end += step) {
    if (end >= to) {
      if (to > from) ends.push(to);
      return ends;
    }
    ends.push(end);
  }
}

/**
 * Whether value `a` is nearer to firing than `b` under the operator: the larger for `>`/`>=`,
 * the smaller for `<`/`<=`, the nearer the threshold for `==`, the further from it for `!=`.
 */
export function isWorse(operator: Operator, threshold: number, a: number, b: number): boolean {
  switch (operator) {
    case '>':
    case '>=':
      return a > b;
    case '<':
    case '<=':
      return a < b;
    case '==':
      return Math.abs(a - threshold) < Math.abs(b - threshold);
    case '!=':
      return Math.abs(a - threshold) > Math.abs(b - threshold);
  }
}

/**
 * Picks, among the group keys offered at one instant, the one whose value is nearest to (or
 * furthest past) the threshold in the direction of the operator: the key a chart of one line
 * against the threshold has to show, since it is the one an incident opens for first. Equal
 * values keep the smaller key, so the answer does not depend on the order keys were met.
 */
export class WorstKey {
  value: number | null = null;
  groupKey: string | null = null;

  constructor(
    private readonly operator: Operator,
    private readonly threshold: number,
  ) {}

  offer(groupKey: string, value: number): void {
    const current = this.value!;
    const worse = isWorse(this.operator, this.threshold, value, current);
    const asBad = !worse && !isWorse(this.operator, this.threshold, current, value);
    if (this.groupKey === null || worse || (asBad && groupKey < this.groupKey)) {
      this.value = value;
      this.groupKey = groupKey;
    }
  }
}

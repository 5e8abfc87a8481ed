/** What an app's Prometheus metrics say happened between two scrapes of a run. */
import { MetricSample, total } from '../tools/metrics/prometheus-text';

/** How much a counter (or a histogram's _sum/_count/_bucket) grew between two scrapes. */
export const grew = (
  before: readonly MetricSample[],
  after: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number => total(after, name, labels) - total(before, name, labels);

/**
 * Observations above `le` seconds between two scrapes of a histogram (its buckets are
 * cumulative): `le` must be one of its bucket bounds, as the page writes it (e.g. "0.25").
 */
export const observedAbove = (
  before: readonly MetricSample[],
  after: readonly MetricSample[],
  histogram: string,
  le: string,
): number =>
  grew(before, after, `${histogram}_count`) - grew(before, after, `${histogram}_bucket`, { le });

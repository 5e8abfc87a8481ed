/** Reads an app's Prometheus metrics, to show what the process itself saw during a run. */

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrapeMetrics(port: number): Promise<MetricSample[]> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`metrics on port ${port}: HTTP ${response.status}`);
  return parseMetrics(await response.text());
}

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` that carry every label of `labels` (others ignored). */
export const total = (
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number =>
  samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);

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

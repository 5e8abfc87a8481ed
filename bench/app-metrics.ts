/** Reads an app's Prometheus metrics, to show what the process itself saw during a run. */

/** Every sample of a /metrics page: `name{labels}` -> value. */
export type MetricSamples = Map<string, number>;

export async function scrapeMetrics(port: number): Promise<MetricSamples> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`metrics on port ${port}: HTTP ${response.status}`);
  return parseMetrics(await response.text());
}

export function parseMetrics(text: string): MetricSamples {
  const samples: MetricSamples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** How much a counter (or a histogram's _sum/_count/_bucket) grew between two scrapes. */
export const grew = (before: MetricSamples, after: MetricSamples, sample: string): number =>
  (after.get(sample) ?? 0) - (before.get(sample) ?? 0);

/**
 * Observations above `seconds` between two scrapes of a histogram (its buckets are cumulative):
 * `le` must be one of its bucket bounds, as written on the page (e.g. "0.25").
 */
export const observedAbove = (
  before: MetricSamples,
  after: MetricSamples,
  histogram: string,
  le: string,
): number =>
  grew(before, after, `${histogram}_count`) -
  grew(before, after, `${histogram}_bucket{le="${le}"}`);

/**
 * The Prometheus text exposition the services serve at /metrics, read back as samples: the
 * integration tests assert on them and the benches report what a process saw during a run.
 */

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GETs `${baseUrl}/metrics` and parses it. */
export async function scrapeMetrics(baseUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`${baseUrl}/metrics: HTTP ${response.status}`);
  return parseMetrics(await response.text());
}

/** One sample per line; comments (# HELP, # TYPE) and blank lines are skipped. */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    // Greedy up to the last `}`: a label value may hold a `}` of its own (a route template).
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

/** The samples named `name` that carry every label of `labels` (their other labels ignored). */
export const samplesOf = (
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): MetricSample[] =>
  samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );

/** The sum of the samples named `name` that carry every label of `labels` (others ignored). */
export const total = (
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number => samplesOf(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);

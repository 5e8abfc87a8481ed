import { samplesOf, scrapeMetrics, total } from '../../tools/metrics/prometheus-text';

/** Reads one sample from a service's /metrics (the sum over the label sets that match). */
export async function scrapeMetric(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const samples = await scrapeMetrics(baseUrl);
  // Absent is not zero: a misspelt name or label must fail the test, not pass it as 0.
  if (samplesOf(samples, name, labels).length === 0)
    throw new Error(`metric ${name}${JSON.stringify(labels)} not exposed at ${baseUrl}/metrics`);
  return total(samples, name, labels);
}

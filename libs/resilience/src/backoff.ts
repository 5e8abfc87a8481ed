/**
 * How long to wait before retry `attempt` (1-based): exponential from `initialMs`, capped at
 * `maxMs`, with jitter in the upper half so that callers which failed together (replicas
 * after a database outage, batches after a broker hiccup) do not all retry together.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The interval between two events of one simulated source: `intervalMs` +/- `jitter`. */
export function jitteredInterval(
  intervalMs: number,
  jitter: number,
  random: () => number = Math.random,
): number {
  return Math.max(1, Math.round(intervalMs * (1 - jitter + 2 * jitter * random())));
}

import { setFlagsFromString } from 'node:v8';

/**
 * Caps how far V8's heap grows past what its last full garbage collection kept, before the
 * next one: `percent` 50 lets a heap that keeps 80 MiB grow to 120 MiB. V8 reads the setting
 * each time it sets the next limit, so it applies from the first full collection after this
 * call, without a command-line flag in every launcher (npm start, Docker, Kubernetes).
 *
 * Measured with `bench:pipeline` draining 500,000 events (docs/benchmarks.md): without it the
 * consumer peaked at 410-440 MiB of RSS for about 80 MiB of live heap; at 50 it peaks at about
 * 200 MiB and the collector costs about 2 µs more CPU per event (with the 1 MiB batches, the
 * drain ran ~9% slower than unbounded). 0 leaves V8's heuristics alone.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** The part of a load run one worker thread generates. */
export interface LoadShare {
  /** The sources this worker owns: every event of a source comes from one producer. */
  sources: string[];
  /** Events per second for this worker; 0 means as fast as possible. */
  rate: number;
  /** Events this worker publishes before it stops; undefined runs until stopped. */
  count: number | undefined;
  batchSize: number;
}

/**
 * Splits sources, rate and count between `workers` threads. A source belongs to exactly one
 * worker (one idempotent producer), so its events keep their order on its partition. Rate
 * and count follow the number of sources, so every source gets the same share, and the
 * counts add up to exactly `count`. Never more workers than sources or events.
 */
export function splitLoad(
  sources: readonly string[],
  workers: number,
  rate: number,
  count: number | undefined,
  batchSize: number,
): LoadShare[] {
  const threads = Math.max(1, Math.min(workers, sources.length, count ?? Infinity));
  const owned: string[][] = Array.from({ length: threads }, () => []);
  sources.forEach((source, i) => owned[i % threads].push(source));
  let assignedSources = 0;
  let assignedCount = 0;
  return owned.map((mine) => {
    assignedSources += mine.length;
    // Cumulative rounding: the shares always add up to the total, whatever the remainders.
    const upTo = count === undefined ? 0 : Math.floor((count * assignedSources) / sources.length);
    const share = upTo - assignedCount;
    assignedCount = upTo;
    return {
      sources: mine,
      rate: (rate * mine.length) / sources.length,
      count: count === undefined ? undefined : share,
      batchSize,
    };
  });
}

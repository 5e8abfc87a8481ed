/**
 * Preloaded into the consumer by `bench:pipeline` (`node --require`): samples what its memory
 * is made of every SAMPLE_MS, and writes the sample of the highest RSS so far to
 * BENCH_MEMORY_FILE whenever it grows, so the bench can say what the peak RSS was made of
 * while the consumer still runs. Sampling costs a few µs a time, nothing per event.
 */
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const OUTPUT = process.env.BENCH_MEMORY_FILE;
const SAMPLE_MS = 50;
/** A new peak is written only this much above the last one written: a handful of writes a run. */
const WRITE_STEP_BYTES = 4 * 1024 * 1024;

/** Bytes of each part of the process's memory, at the moment of its highest RSS. */
export interface MemorySample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS ones: Buffers (arrayBuffers) and the rest. */
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces' committed sizes: new_space (young objects), old_space, ... */
  spaces: Record<string, number>;
}

function sample(): MemorySample {
  return {
    ...process.memoryUsage(),
    spaces: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]),
    ),
  };
}

if (OUTPUT) {
  let written = 0;
  setInterval(() => {
    const now = sample();
    if (now.rss < written + WRITE_STEP_BYTES) return;
    written = now.rss;
    writeFileSync(OUTPUT, JSON.stringify(now));
  }, SAMPLE_MS).unref();
}

const mib = (bytes: number | undefined) => `${((bytes ?? NaN) / 2 ** 20).toFixed(0)} MiB`;

/** What the sample says, for the bench's output: the parts of RSS that Node can name. */
export function describeMemorySample(peak: MemorySample): string {
  const { rss, heapTotal, heapUsed, external, arrayBuffers, spaces } = peak;
  return (
    `rss ${mib(rss)} = V8 heap ${mib(heapTotal)} (used ${mib(heapUsed)}; new space ${mib(spaces.new_space)}, old space ${mib(spaces.old_space)})` +
    ` + external ${mib(external)} (Buffers ${mib(arrayBuffers)}) + the rest ${mib(rss - heapTotal - external)} (code, stacks, native allocations, freed pages not returned)`
  );
}

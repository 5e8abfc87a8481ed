import { setFlagsFromString } from 'node:v8';

/**
 * V8 options alerting must be started with (`node --no-memory-reducer dist/apps/alerting/...`):
 * every launcher of the project passes them (tools/stack, docker-compose.yml,
 * deploy/kubernetes), and tests check that they all do.
 *
 * `--no-memory-reducer`: V8's memory reducer starts a major GC when it judges the allocation
 * rate low, then up to two more in a row, and shrinks the young generation, so a steady
 * stream's objects are promoted until the next one. In alerting at 10,000 events/s it fired
 * every 100 s or so, each time two major GCs 1.7-2.3 s apart whose marking held evaluation up
 * for 0.7-1.1 s of wall time; without it no major GC fell in a 300-s run (the heap grows to
 * its limit instead: RSS 489 against 255-318 MiB). It can only be set on the command line:
 * V8 creates the reducer with the heap (docs/benchmarks.md).
 */
export const ALERTING_V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/**
 * Alerting keeps every key's window for minutes while tens of thousands of short-lived
 * objects a second pass through decoding. V8 "pretenures" an allocation site (allocates its
 * objects straight into the old generation) once enough of them survive a young collection;
 * during a backlog drain kafkajs' record buffers do, and afterwards each event's buffers,
 * dead a few milliseconds later, still fill the old generation (measured at 10,000 events/s:
 * 1.2-1.3 MB promoted per young collection with it, 0.37 MB without). Every major GC of a
 * heap holding 100,000 keys stalls evaluation, so filling it 3.5x more slowly makes those
 * stalls 3.5x rarer. The flag is read at each GC, so setting it when the process starts is
 * enough (docs/benchmarks.md).
 */
export function tuneHeapForLongLivedWindows(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

/** The options of ALERTING_V8_FLAGS this process was started without. */
export function missingV8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  return ALERTING_V8_FLAGS.filter((flag) => !execArgv.includes(flag));
}

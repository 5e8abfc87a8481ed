import { setFlagsFromString } from 'node:v8';

/**
 * Alerting keeps every key's window for minutes while tens of thousands of short-lived
 * objects a second pass through decoding. V8 "pretenures" an allocation site (allocates its
 * objects straight into the old generation) once enough of them survive a young collection;
 * during a backlog drain kafkajs' record buffers do, and afterwards each event's buffers,
 * dead a few milliseconds later, still fill the old generation (measured at 10,000 events/s:
 * 1.2-1.3 MB promoted per young collection with it, 0.37 MB without). Every major GC of a
 * heap holding 100,000 keys stalls evaluation for up to a second on two busy cores, so
 * filling it 3.5x more slowly makes those stalls 3.5x rarer. The flag is read at each GC,
 * so setting it when the process starts is enough (docs/benchmarks.md).
 */
export function tuneHeapForLongLivedWindows(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

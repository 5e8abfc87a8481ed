/**
 * Part [1/3] of `bench:alerting`: the window engine alone, in process, over an event array
 * built before the clock starts, beside a raw reference over the same array measured in the
 * same run. Rounds alternate reference and engine (a fresh engine each round) so that a
 * neighbour stealing the CPU for a while hits both, and the medians are reported.
 *
 * Each round makes two passes: the events as they are, into a fresh engine that creates
 * every key (the headline figure), then the same events one window later, into the keys
 * that now exist (steady state: windows expire as much as they take in, nothing grows).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GCProfiler, writeHeapSnapshot } from 'node:v8';
import { AlertRule } from '@app/contracts';
import { AlertEngine, EngineEvent, EngineStats } from '@app/engine';

export interface EngineRunResult {
  /** Median events/s of the engine over the rounds. */
  rate: number;
  /** Median events/s of the raw reference over the rounds. */
  referenceRate: number;
  /** Median events/s of the second pass (keys exist), engine and reference. */
  steadyRate: number;
  steadyReferenceRate: number;
  /** Every round's rates, in order, for the spread. */
  rounds: Array<{ engine: number; reference: number; steady: number; steadyReference: number }>;
  /** GC inside every round's timed engine passes, fresh and steady. */
  freshGc: PassGc[];
  steadyGc: PassGc[];
  stats: EngineStats;
  /** Heap retained by the last round's engine per key, with its window arrays (NaN without --expose-gc). */
  bytesPerKey: number;
  /** Ten ticks of the last round's engine, sorted. */
  tickMs: number[];
  /**
   * Median of five forced full GCs with the last round's engine alive, then with it released
   * (same process, same event array): what the engine's state costs every major GC (NaN
   * without --expose-gc).
   */
  fullGcMs: number;
  fullGcWithoutEngineMs: number;
  /** Objects in a heap snapshot, engine alive and released (NaN without --expose-gc). */
  heapObjects: number;
  heapObjectsWithoutEngine: number;
}

/**
 * GC work that fell inside one timed pass, in ms (V8's own accounting): a major GC there marks
 * everything alive, the bench's 1,000,000 held events included, which a service does not hold.
 */
export interface PassGc {
  majorGcs: number;
  majorMs: number;
  scavengeMs: number;
}

const ENGINE_OPTIONS = { graceMs: 5000, maxFutureSkewMs: 300_000, idleKeyTtlMs: 86_400_000 };

function heapUsed(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Full mark-compact time: marking is proportional to the objects alive, as in the service. */
function medianGcMs(): number {
  if (!global.gc) return NaN;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    global.gc();
    times.push(secondsSince(started) * 1000);
  }
  return median(times);
}

/**
 * Objects alive, from a heap snapshot: a major GC marks each of them, so their number, more
 * than their bytes, is what the engine's state costs the service's GC pauses.
 */
function heapObjectCount(): number {
  if (!global.gc) return NaN;
  const file = writeHeapSnapshot(join(tmpdir(), `bench-engine-${process.pid}.heapsnapshot`));
  try {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotCounts;
    return snapshot.nodes.length / snapshot.snapshot.meta.node_fields.length;
  } finally {
    rmSync(file, { force: true });
  }
}

interface HeapSnapshotCounts {
  snapshot: { meta: { node_fields: string[] } };
  nodes: number[];
}

const secondsSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * The least any engine must do per event: find the state of its (type, key) with one Map
 * lookup by type and one by key, and update a number there. No windows, no time, no outcome.
 */
export function referencePass(events: readonly EngineEvent[], byType: ReferenceState): void {
  for (const event of events) {
    let keys = byType.get(event.type);
    if (keys === undefined) byType.set(event.type, (keys = new Map<string, { count: number }>()));
    const state = keys.get(event.source);
    if (state === undefined) keys.set(event.source, { count: 1 });
    else state.count++;
  }
}

/** The reference's state: a count per (type, source). */
export type ReferenceState = Map<string, Map<string, { count: number }>>;

/** Two reference passes, the first into empty maps (as a fresh engine), timed. */
function referenceSeconds(events: readonly EngineEvent[]): [fresh: number, steady: number] {
  const byType: ReferenceState = new Map();
  const pass = () => {
    const started = process.hrtime.bigint();
    referencePass(events, byType);
    return secondsSince(started);
  };
  return [pass(), pass()];
}

/**
 * Moves every event by `ms` (untimed): the second pass is the same traffic one window later.
 * Then collects (with --expose-gc): V8 holds a decoded event's time as a heap number of its
 * own (objects of that shape share hidden classes with the decoder's event, whose time is a
 * Date), so each move allocates one an event: garbage the next timed pass should not collect.
 */
export function shift(events: readonly EngineEvent[], ms: number): void {
  for (const event of events) event.occurredAt += ms;
  global.gc?.();
}

export function engineOf(rules: readonly AlertRule[]): AlertEngine {
  const engine = new AlertEngine(ENGINE_OPTIONS);
  for (const rule of rules) engine.setRule(rule, 0);
  return engine;
}

/** Offers every event at its own time as wall time, as a service keeping up would. */
function offerAll(
  engine: AlertEngine,
  events: readonly EngineEvent[],
): { seconds: number; gc: PassGc } {
  const profiler = new GCProfiler();
  profiler.start();
  const started = process.hrtime.bigint();
  for (const event of events) engine.offer(event, event.occurredAt);
  const seconds = secondsSince(started);
  return { seconds, gc: gcOf(profiler.stop()) };
}

/** Major GCs (with their incremental marking steps) and scavenges, from a GC profile. */
function gcOf(profile: { statistics: Array<{ gcType: string; cost: number }> }): PassGc {
  const gc: PassGc = { majorGcs: 0, majorMs: 0, scavengeMs: 0 };
  for (const { gcType, cost } of profile.statistics) {
    if (gcType === 'MarkSweepCompact') gc.majorGcs++;
    if (gcType === 'MarkSweepCompact' || gcType === 'IncrementalMarking') gc.majorMs += cost / 1000;
    else if (gcType === 'Scavenge') gc.scavengeMs += cost / 1000;
  }
  return gc;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

interface MeasuredRounds {
  rounds: EngineRunResult['rounds'];
  freshGc: PassGc[];
  steadyGc: PassGc[];
  engine: AlertEngine;
  stats: EngineStats;
  bytesPerKey: number;
  tickMs: number[];
}

export function runEngine(
  rules: readonly AlertRule[],
  /** Called once: the events die with the rounds, so the GC figures see the engine alone. */
  makeEvents: () => EngineEvent[],
  roundCount: number,
  /** How far the second pass is moved: the length of the run's time span. */
  spanMs: number,
): EngineRunResult {
  let measured: MeasuredRounds | undefined = measureRounds(rules, makeEvents, roundCount, spanMs);
  const { rounds, freshGc, steadyGc, stats, bytesPerKey, tickMs } = measured;
  const fullGcMs = medianGcMs();
  const heapObjects = heapObjectCount();
  measured = undefined;
  const fullGcWithoutEngineMs = medianGcMs();
  const heapObjectsWithoutEngine = heapObjectCount();
  const medianOf = (pick: (round: EngineRunResult['rounds'][number]) => number) =>
    median(rounds.map(pick));
  return {
    rate: medianOf((r) => r.engine),
    referenceRate: medianOf((r) => r.reference),
    steadyRate: medianOf((r) => r.steady),
    steadyReferenceRate: medianOf((r) => r.steadyReference),
    rounds,
    freshGc,
    steadyGc,
    stats,
    bytesPerKey,
    tickMs,
    fullGcMs,
    fullGcWithoutEngineMs,
    heapObjects,
    heapObjectsWithoutEngine,
  };
}

/** Makes the events itself: once it returns, nothing in the caller's frame holds them. */
function measureRounds(
  rules: readonly AlertRule[],
  makeEvents: () => EngineEvent[],
  roundCount: number,
  spanMs: number,
): MeasuredRounds {
  const events = makeEvents();
  const rounds: EngineRunResult['rounds'] = [];
  const freshGc: PassGc[] = [];
  const steadyGc: PassGc[] = [];
  let engine: AlertEngine | undefined;
  let bytesPerKey = NaN;
  let stats: EngineStats | undefined;
  for (let round = 0; round < roundCount; round++) {
    const [referenceFresh, referenceSteady] = referenceSeconds(events);
    engine = undefined;
    const heapBefore = heapUsed();
    engine = engineOf(rules);
    const fresh = offerAll(engine, events);
    stats = engine.stats();
    // The windows' numbers are in typed arrays outside the heap: the engine counts them.
    if (global.gc) bytesPerKey = (heapUsed() - heapBefore + engine.windowArrayBytes()) / stats.keys;
    shift(events, spanMs);
    const steady = offerAll(engine, events);
    shift(events, -spanMs);
    rounds.push({
      engine: events.length / fresh.seconds,
      reference: events.length / referenceFresh,
      steady: events.length / steady.seconds,
      steadyReference: events.length / referenceSteady,
    });
    freshGc.push(fresh.gc);
    steadyGc.push(steady.gc);
  }
  const last = events[events.length - 1].occurredAt + spanMs;
  const tickMs: number[] = [];
  for (let k = 1; k <= 10; k++) {
    const started = process.hrtime.bigint();
    engine!.tick(last + k * 1000);
    tickMs.push(secondsSince(started) * 1000);
  }
  return {
    rounds,
    freshGc,
    steadyGc,
    engine: engine!,
    stats: stats!,
    bytesPerKey,
    tickMs: tickMs.sort((a, b) => a - b),
  };
}

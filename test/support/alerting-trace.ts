import { Message } from 'kafkajs';
import { AlertRule, decodeRuleMessage, LifecycleMessage } from '@app/contracts';
import { EngineEvent } from '@app/engine';
import { BruteForceOracle, ExpectedTransition } from '@app/engine/testing/brute-force-oracle';
import { Prng } from '@app/engine/testing/prng';
import { liveEvent, ruleRecord } from './alerting';

/**
 * A generated trace for alerting replayed through real replicas, and the incidents the
 * engine's brute-force oracle says it must open. Event time is laid out so that the answer
 * does not depend on how the replicas interleave events, nor on when their wall-clock ticks
 * fall:
 * - the trace is bursts, one per PERIOD_MS segment, each within [0.1 s, 1.4 s) of its segment
 *   (segments start on a multiple of the windows, so a burst is inside one tumbling bucket, shorter than every window, so no event of a burst is late
 *   whatever the order of arrival, and no event leaves a window during its burst);
 * - every window is WINDOW_S long, and a burst's events have left every window more than a
 *   second before the next burst begins, so each gap is sampled by several ticks;
 * - the trace lies ahead of the wall clock while it is published (event times, and Kafka
 *   timestamps, in the near future): every event is evaluated before the wall clock, minus
 *   the grace, reaches it, and ticks move the windows on afterwards, in order.
 */
export const PERIOD_MS = 6000;
const BURST_FROM_MS = 100;
const BURST_TO_MS = 1400;
const WINDOW_S = 2;
const SOURCES = Array.from({ length: 8 }, (_, i) => `trace-src-${i}`);
const CLIENTS = ['c0', 'c1', 'c2', 'c3'];
if (PERIOD_MS % (WINDOW_S * 1000) !== 0) {
  throw new Error(
    'segments must start on tumbling bucket boundaries (epoch multiples of the window)',
  );
}

export interface TraceEvent {
  message: Message;
  event: EngineEvent;
}

export interface Trace {
  /** The instant segment 0 starts (a multiple of the windows, so tumbling buckets align). */
  base: number;
  rules: AlertRule[];
  ruleRecords: Message[];
  bursts: TraceEvent[][];
  /** When the last window has moved past the trace: nothing can change after this. */
  end: number;
}

/** How a rule's id names its grouping. */
const GROUPING_NAMES = {
  source: 'by-source',
  none: 'whole',
  'payload.client': 'by-client',
} as const;

/**
 * The rules, every kind of grouping, both window kinds, >= and <, all active from `base`; a
 * rule's id says what it is (grouping, window kind, aggregate, operator), e.g. whole-sliding-ge.
 */
function traceRules(base: number): Array<Record<string, unknown> & { id: string }> {
  const rule = (
    groupBy: keyof typeof GROUPING_NAMES,
    kind: 'sliding' | 'tumbling',
    condition: { aggregate?: 'sum'; operator: '>=' | '<'; threshold: number },
    types = ['trace.*'],
  ) => ({
    id: [
      GROUPING_NAMES[groupBy],
      kind,
      ...(condition.aggregate ? [condition.aggregate] : []),
      condition.operator === '>=' ? 'ge' : 'lt',
    ].join('-'),
    activeFrom: new Date(base).toISOString(),
    match: { types },
    groupBy,
    window: { kind, seconds: WINDOW_S },
    condition,
  });
  return [
    rule('source', 'sliding', { operator: '>=', threshold: 3 }),
    rule('source', 'tumbling', { operator: '<', threshold: 2 }, ['trace.a']),
    rule('none', 'sliding', { operator: '>=', threshold: 12 }),
    rule('none', 'tumbling', { operator: '<', threshold: 5 }, ['trace.b']),
    rule('payload.client', 'tumbling', { operator: '>=', threshold: 3 }),
    rule('payload.client', 'sliding', { operator: '<', threshold: 2 }, ['trace.a']),
    rule('payload.client', 'sliding', { aggregate: 'sum', operator: '>=', threshold: 8 }),
  ];
}

/** The trace of `seed` laid out from `base` (a multiple of PERIOD_MS), `bursts` bursts long. */
export function generateTrace(seed: number, base: number, bursts: number): Trace {
  if (base % PERIOD_MS !== 0) throw new Error(`base ${base} is not a multiple of ${PERIOD_MS}`);
  const random = new Prng(seed);
  const records = traceRules(base).map(ruleRecord);
  const rules = records.map((record) => {
    const decoded = decodeRuleMessage(record.value);
    if (!decoded.ok) throw new Error(`trace rule refused: ${decoded.reasons.join('; ')}`);
    return decoded.rule;
  });
  const trace: Trace = { base, rules, ruleRecords: records, bursts: [], end: 0 };
  for (let segment = 0; segment < bursts; segment++) {
    const start = base + segment * PERIOD_MS;
    const burst: TraceEvent[] = [];
    for (const source of SOURCES) {
      const count = random.pick([0, 0, 1, 2, 3, 4]);
      for (let i = 0; i < count; i++) {
        const occurredAt = start + random.int(BURST_FROM_MS, BURST_TO_MS - 1);
        const client = random.pick([...CLIENTS, undefined]);
        burst.push(
          traceEvent(
            random.pick(['trace.a', 'trace.b']),
            source,
            occurredAt,
            random.int(1, 4),
            client,
          ),
        );
      }
    }
    trace.bursts.push(burst);
  }
  trace.end = base + bursts * PERIOD_MS + WINDOW_S * 1000;
  return trace;
}

function traceEvent(
  type: string,
  source: string,
  occurredAt: number,
  value: number,
  client: string | undefined,
): TraceEvent {
  const payload = client === undefined ? { note: 'no client' } : { client };
  const message = {
    ...liveEvent(type, source, { occurredAt: new Date(occurredAt), value, payload }),
    // The event's own time as the record's: the look-back of a rebuild is by record time.
    timestamp: String(occurredAt),
  };
  const { id } = JSON.parse(String(message.value)) as { id: string };
  const event = { id, type, source, severity: 'high' as const, occurredAt, value, payload };
  return { message, event };
}

/**
 * An incident as the comparison sees it: its rule, its key, and the part of the trace whose
 * evaluation opened it (a burst, on an event; the gap after it, on a tick). Which event or
 * tick exactly depends on arrival order and tick times; the part does not.
 */
export function incidentPlace(trace: Trace, ruleId: string, groupKey: string, windowEnd: number) {
  const shifted = windowEnd - trace.base - BURST_FROM_MS / 2;
  const segment = Math.floor(shifted / PERIOD_MS);
  const within = shifted - segment * PERIOD_MS;
  const phase = within < BURST_TO_MS + 100 ? 'burst' : 'gap';
  return `${ruleId} ${groupKey} #${segment} ${phase}`;
}

/** The places of the incidents the oracle opens for the trace: every firing transition. */
export function expectedIncidents(trace: Trace, graceMs: number): string[] {
  const oracle = new BruteForceOracle({
    graceMs,
    maxFutureSkewMs: 300_000,
    idleKeyTtlMs: 24 * 3600 * 1000,
  });
  // Cooldown 0 and auto-resolve: each crossing opens an incident (the last one resolved).
  const places: string[] = [];
  const opened = (transitions: ExpectedTransition[]) => {
    for (const { transition } of transitions) {
      if (!transition.firing) continue;
      places.push(
        incidentPlace(trace, transition.ruleId, transition.groupKey, transition.windowEnd),
      );
    }
  };
  const publishedAt = trace.base - 30_000;
  for (const rule of trace.rules) oracle.setRule(rule, publishedAt);
  for (const burst of trace.bursts) {
    for (const { event } of burst) opened(oracle.offer(event, publishedAt).transitions);
  }
  for (let wall = trace.base; wall <= trace.end + graceMs + 1000; wall += 100) {
    opened(oracle.tick(wall));
  }
  return places.sort();
}

/** The places of the incidents opened on `notifications`. */
export function openedIncidents(trace: Trace, messages: LifecycleMessage[]): string[] {
  return messages
    .filter((m) => m.kind === 'incident.opened')
    .map(({ incident }) =>
      incidentPlace(trace, incident.ruleId, incident.groupKey, Date.parse(incident.windowEnd)),
    )
    .sort();
}

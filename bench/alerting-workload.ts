/**
 * The alerting benchmarks' workload: 99 background rules across every window kind and aggregate
 * (plus a probe rule), and events from KEYS sources, each source always of one type, so there
 * are exactly KEYS (rule, source) keys. Shared by `bench:alerting` and
 * `bench:engine-instructions`, so both measure the same traffic.
 */
import { randomUUID } from 'node:crypto';
import { AlertRule, decodeRule, randomEventIds, RawEventMessage } from '@app/contracts';
// As alerting imports it (apps/alerting/src/decoding/event-decoder.ts): from its own file.
import { decodeEventMessage } from '@app/contracts/event-decoder';
import { EngineEvent } from '@app/engine';
import { toEngineEvent } from '../apps/alerting/src/evaluation/engine-event';

const BACKGROUND_RULES = 99;

/**
 * 99 rules that never fire (thresholds out of reach, so the run measures evaluation, not
 * notification) across every window kind and aggregate, plus one probe rule that fires on
 * every probe event: its incidents time the publish-to-incident path.
 */
export function benchRules(): AlertRule[] {
  const shapes = [
    {
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 5000 },
    },
    {
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'avg', operator: '>', threshold: 1e9 },
    },
    {
      window: { kind: 'tumbling', seconds: 60 },
      condition: { aggregate: 'sum', operator: '>', threshold: 1e12 },
    },
  ];
  const specs = Array.from({ length: BACKGROUND_RULES }, (_, i) => ({
    id: `bench-${i}`,
    name: `bench rule ${i}`,
    match: { types: [`bench.t${i}`] },
    ...shapes[i % shapes.length],
  }));
  specs.push({
    id: 'probe',
    name: 'probe',
    match: { types: ['bench.probe'] },
    window: { kind: 'sliding', seconds: 60 },
    condition: { aggregate: 'count', operator: '>=', threshold: 1 },
  });
  return specs.map((spec) => {
    const decoded = decodeRule({ ...spec, cooldownSeconds: 0, channels: [] });
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    return decoded.rule;
  });
}

/** Source s always sends type s % 99, so there are exactly `keys` (rule, source) keys. */
export function backgroundEvent(index: number, occurredAt: number, keys: number): EngineEvent {
  const sourceIndex = index % keys;
  return {
    id: randomUUID(),
    type: `bench.t${sourceIndex % BACKGROUND_RULES}`,
    source: `src-${sourceIndex}`,
    severity: 'medium',
    occurredAt,
    value: index % 100,
    payload: null,
  };
}

/** The `events` message a producer sends for an event: keyed by source, the time in ISO form. */
export function asMessage(event: EngineEvent): { key: string; value: string } {
  return {
    key: event.source,
    value: JSON.stringify({ ...event, occurredAt: new Date(event.occurredAt).toISOString() }),
  };
}

/** backgroundEvent's message as alerting's consumer reads it off the `events` topic. */
export function backgroundMessage(
  index: number,
  occurredAt: number,
  keys: number,
): RawEventMessage {
  const message = asMessage(backgroundEvent(index, occurredAt, keys));
  return {
    topic: 'events',
    partition: 0,
    offset: String(index),
    key: Buffer.from(message.key),
    value: Buffer.from(message.value),
    timestamp: String(occurredAt),
  };
}

const LIMITS = { maxMessageBytes: 1 << 20, maxPayloadBytes: 1 << 20 };

/** Alerting's own steps from a message to the event it offers: decodeEventMessage, toEngineEvent. */
export function decodeForEngine(message: RawEventMessage): EngineEvent {
  const decoded = decodeEventMessage(message, LIMITS, randomEventIds);
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return toEngineEvent(decoded.event);
}

/**
 * backgroundEvent as the engine gets it in the service, decoded from its message. The strings
 * are then what V8's JSON.parse makes: each id a string of its own, and texts of up to 10
 * characters (this workload's types and sources) internalized, one string shared by every
 * event that names it. Events built here directly had a copy each, which made every key lookup
 * compare characters and gave each major GC two million more strings to mark; the service never
 * sees such events.
 */
export function decodedEvent(index: number, occurredAt: number, keys: number): EngineEvent {
  return decodeForEngine(backgroundMessage(index, occurredAt, keys));
}

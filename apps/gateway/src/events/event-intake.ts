import { randomUUID } from 'node:crypto';
import {
  DEFAULT_EVENT_LIMITS,
  decodeEventMessage,
  NormalizedEvent,
  randomEventIds,
  Topic,
  topicName,
} from '@app/contracts';

export type IntakeResult = { ok: true; event: NormalizedEvent } | { ok: false; reasons: string[] };

/**
 * Checks one event from an HTTP body with the consumer's own decoder, so the gateway accepts
 * exactly what the pipeline stores. What the consumer would derive from Kafka (an id from the
 * offset, the time from the message timestamp) the gateway fixes now: a random id, the time
 * of the request.
 */
export function checkEvent(input: unknown, now: Date): IntakeResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reasons: ['an event must be a JSON object'] };
  }
  const isLegacy = 'event_type' in input && !('type' in input);
  const completed = isLegacy
    ? input
    : { id: randomUUID(), occurredAt: now.toISOString(), ...input };
  const decoded = decodeEventMessage(
    {
      topic: topicName(Topic.Events),
      partition: 0,
      offset: '0',
      key: null,
      value: Buffer.from(JSON.stringify(completed)),
      timestamp: String(now.getTime()),
    },
    DEFAULT_EVENT_LIMITS,
    // A legacy event has no id field: the decoder gives it a random one, not one derived
    // from this placeholder offset, like every other id-less event here.
    randomEventIds,
  );
  return decoded.ok ? { ok: true, event: decoded.event } : decoded;
}

/** The version-1 JSON the gateway publishes: every field resolved. */
export function toEventJson(event: NormalizedEvent): string {
  return JSON.stringify({
    version: 1,
    id: event.id,
    type: event.type,
    source: event.source,
    severity: event.severity,
    occurredAt: event.occurredAt.toISOString(),
    value: event.value,
    payload: event.payload,
  });
}

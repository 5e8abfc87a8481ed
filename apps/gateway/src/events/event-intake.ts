import { randomUUID } from 'node:crypto';
import {
  DEFAULT_EVENT_LIMITS,
  decodeStorableEvent,
  NormalizedEvent,
  randomEventIds,
  Topic,
  topicName,
} from '@app/contracts';

export type IntakeResult =
  | {
      ok: true;
      event: NormalizedEvent;
      /** The version-1 JSON the gateway publishes: every field resolved. */
      json: string;
    }
  | { ok: false; reasons: string[] };

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
  const decoded = decodeStorableEvent(
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
  if (!decoded.ok) return decoded;
  const { event, payloadJson, occurredAtIso } = decoded;
  return { ok: true, event, json: publishedJson(event, occurredAtIso, payloadJson) };
}

/**
 * What JSON.stringify of the whole version-1 event gives, with the payload's JSON text that the
 * decoder already made (checking its size) spliced in instead of serialising the payload again.
 */
function publishedJson(
  event: NormalizedEvent,
  occurredAtIso: string,
  payloadJson: string | null,
): string {
  const head = JSON.stringify({
    version: 1,
    id: event.id,
    type: event.type,
    source: event.source,
    severity: event.severity,
    occurredAt: occurredAtIso,
    value: event.value,
  });
  return `${head.slice(0, -1)},"payload":${payloadJson ?? 'null'}}`;
}

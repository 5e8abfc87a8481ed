import {
  DEFAULT_EVENT_LIMITS,
  decodeParsedEvent,
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

const EVENTS_TOPIC = topicName(Topic.Events);

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
  const decoded = decodeParsedEvent(
    input,
    // The message it is published as, for the fields the event lacks: the request's time, and
    // no key (the source then is the event's own, or "unknown").
    { topic: EVENTS_TOPIC, partition: 0, offset: '0', key: null, timestamp: String(now.getTime()) },
    DEFAULT_EVENT_LIMITS,
    // An event without an id gets a random one, not one derived from this placeholder offset.
    randomEventIds,
  );
  if (!decoded.ok) return decoded;
  return { ok: true, event: decoded.event, json: decoded.json };
}

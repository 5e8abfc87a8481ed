/**
 * Live traffic after the backlog: small sends, each of a few messages to one partition,
 * published one at a time while the consumer waits for them, so it stores them in batches of
 * one to four events, as it does most of the day in production. A backlog drain only ever
 * stores batches of thousands.
 */
import { EventBody, versionOneEvent } from './event-bodies';
import { partitionOf, PlannedMessage } from './planned-message';
import { SeededRandom } from './seeded-random';

const MINUTE_MS = 60_000;
const SENDS = 40;

export interface LiveTrickle {
  /** Each inner list is one send, to one partition: the consumer reads it as one batch. */
  sends: PlannedMessage[][];
  /** Ids of events it sent with one. */
  ids: string[];
}

const send = (events: readonly EventBody[], partitions: number): PlannedMessage[] => {
  // The partition of the first event's key: the send's events arrive in one batch.
  const partition = partitionOf(events[0].key ?? 'live', partitions);
  return events.map((event) => ({
    partition,
    key: event.key === null ? null : Buffer.from(event.key, 'utf8'),
    value: Buffer.from(JSON.stringify(event.body), 'utf8'),
    timestamp: event.timestamp,
    kind: 'live',
  }));
};

/** An event of the live traffic with the given payload (absent when undefined). */
function withPayload(event: EventBody, payload: unknown): EventBody {
  const body = { ...event.body };
  delete body.payload;
  if (payload !== undefined) body.payload = payload;
  return { ...event, body };
}

/** The event sent with an id of its own, if it had none (a conflict needs one). */
function withId(event: EventBody, id: string): EventBody {
  if (event.id !== undefined) return event;
  return { ...event, id, body: { id, ...event.body } };
}

/**
 * SENDS random sends over the last half hour before the anchor, then sends that mix in one
 * batch what the backlog spreads over thousands: a payload with non-ASCII text and events
 * without one, an event and a conflicting copy of it, an event and its redelivery.
 */
export function liveTrickle(random: SeededRandom, anchor: number, partitions: number): LiveTrickle {
  const at = () => anchor - 30 * MINUTE_MS + random.int(0, 29 * MINUTE_MS);
  const event = () => versionOneEvent(random, at());
  const sends: EventBody[][] = [];
  for (let i = 0; i < SENDS; i++) {
    sends.push(Array.from({ length: random.int(1, 4) }, event));
  }
  const conflicted = withId(withPayload(event(), { order: 'live-1' }), random.uuid());
  const conflicting = { ...conflicted, body: { ...conflicted.body, severity: 'critical' } };
  if (conflicted.body.severity === 'critical') conflicting.body.severity = 'low';
  sends.push([conflicted, conflicting], [conflicted]);
  sends.push([withPayload(event(), { customer: 'Zoë' }), withPayload(event(), undefined)]);
  sends.push([
    withPayload(event(), { note: 'gift — “wrapped” ✓' }),
    withPayload(event(), null),
    withPayload(event(), undefined),
  ]);
  return {
    sends: sends.map((events) => send(events, partitions)),
    ids: sends.flat().flatMap((e) => (e.id === undefined ? [] : [e.id])),
  };
}

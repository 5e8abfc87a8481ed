import { DEFAULT_EVENT_LIMITS, decodeEventMessage, keyedEventIds } from '@app/contracts';
import { buildMessageSet, MessageSetOptions } from './message-set';
import { PlannedMessage } from './planned-message';

const options: MessageSetOptions = {
  seed: 7,
  events: 6000,
  anchor: Date.parse('2026-12-05T16:00:00Z'),
  partitions: 6,
  idReuses: 0,
};
const set = buildMessageSet(options);
const deriveId = keyedEventIds('unit-test-event-id-secret');

const decode = (message: PlannedMessage, offset: number) =>
  decodeEventMessage(
    {
      topic: 'events',
      partition: message.partition,
      offset: String(offset),
      key: message.key,
      value: message.value,
      timestamp: String(message.timestamp),
    },
    DEFAULT_EVENT_LIMITS,
    deriveId,
  );

const bytes = (messages: readonly PlannedMessage[]) =>
  messages.map((m) => [m.partition, m.key?.toString('hex'), m.value?.toString('hex'), m.timestamp]);

describe('buildMessageSet', () => {
  it('makes the same bytes, partitions and timestamps from the same seed and anchor', () => {
    const again = buildMessageSet(options);
    expect(bytes(again.messages)).toEqual(bytes(set.messages));
    expect(bytes(again.live.sends.flat())).toEqual(bytes(set.live.sends.flat()));
  });

  it('makes other messages from another seed', () => {
    const other = buildMessageSet({ ...options, seed: 8 });
    expect(bytes(other.messages)).not.toEqual(bytes(set.messages));
  });

  it('holds what the decoder accepts, and rejects only the invalid kind', () => {
    const outcomes = new Map<string, { accepted: number; rejected: number }>();
    set.messages.forEach((message, offset) => {
      const outcome = outcomes.get(message.kind) ?? { accepted: 0, rejected: 0 };
      outcomes.set(message.kind, outcome);
      if (decode(message, offset).ok) outcome.accepted++;
      else outcome.rejected++;
    });
    expect(outcomes.get('invalid')).toEqual({ accepted: 0, rejected: set.counts.invalid });
    for (const kind of ['event', 'legacy', 'edge', 'redelivery', 'conflict', 'near-duplicate']) {
      expect(outcomes.get(kind)).toEqual({ accepted: set.counts[kind as 'event'], rejected: 0 });
    }
  });

  it('has legacy-shaped messages, events without an id, a source or a time, and 10 and 40 day old ones', () => {
    const decoded = set.messages.map((message, offset) => ({
      message,
      result: decode(message, offset),
    }));
    const bodies = decoded
      .filter(({ message }) => message.kind !== 'invalid')
      .map(({ message }) => JSON.parse(message.value!.toString()) as unknown);
    const has = (field: string) => (body: unknown) =>
      typeof body === 'object' && body !== null && field in body;
    expect(bodies.filter(has('event_type')).length).toBeGreaterThan(100);
    expect(bodies.filter((b) => has('type')(b) && !has('id')(b)).length).toBeGreaterThan(100);
    expect(bodies.filter((b) => has('type')(b) && !has('occurredAt')(b)).length).toBeGreaterThan(
      50,
    );
    const days = (time: Date) => (options.anchor - time.getTime()) / 86_400_000;
    const ages = decoded.flatMap(({ result }) =>
      result.ok ? [days(result.event.occurredAt)] : [],
    );
    expect(ages.filter((age) => age > 9 && age < 11).length).toBeGreaterThan(50);
    expect(ages.filter((age) => age > 39 && age < 41).length).toBeGreaterThan(30);
    expect(ages.filter((age) => age < 0).length).toBe(20);
  });

  it('publishes a conflict or a duplicate to the partition of its original, after it', () => {
    const byId = new Map<string, { partition: number; index: number }>();
    set.messages.forEach((message, index) => {
      const result = decode(message, index);
      if (!result.ok) return;
      const first = byId.get(result.event.id);
      if (first === undefined) byId.set(result.event.id, { partition: message.partition, index });
      else expect(first.partition).toBe(message.partition);
    });
    expect(set.counts.conflict).toBe(12);
    expect(set.ids.conflicts.every((id) => byId.has(id))).toBe(true);
  });

  it('sends each live send to one partition', () => {
    for (const send of set.live.sends) {
      expect(new Set(send.map((message) => message.partition)).size).toBe(1);
    }
  });

  it('adds ids reused with another occurredAt only when asked', () => {
    expect(set.counts['id-reuse']).toBeUndefined();
    expect(buildMessageSet({ ...options, idReuses: 3 }).counts['id-reuse']).toBe(3);
  });
});

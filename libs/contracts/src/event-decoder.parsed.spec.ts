import { Prng } from '../../engine/src/testing/prng';
import { DEFAULT_EVENT_LIMITS, MAX_PAYLOAD_DEPTH } from './event';
import {
  decodeParsedEvent,
  decodeStorableEvent,
  EventOrigin,
  StorableDecodeResult,
} from './event-decoder';
import { keyedEventIds } from './event-id';

/**
 * decodeParsedEvent (the gateway, from a parsed HTTP body) must answer exactly as
 * decodeStorableEvent (the consumer) answers the same event written as JSON, and the JSON it
 * gives to publish must decode, in the consumer, to the very event it checked. Seeded events,
 * good and bad in every field, so a failure replays exactly.
 */
const SEED = 0x9a7e;
const deriveId = keyedEventIds('parsed-spec-secret-0123');
const ORIGIN: EventOrigin = {
  topic: 'events',
  partition: 3,
  offset: '41',
  key: null,
  timestamp: String(Date.parse('2026-12-07T05:00:00.000Z')),
};

const asConsumerSees = (value: string): StorableDecodeResult =>
  decodeStorableEvent({ ...ORIGIN, value: Buffer.from(value) }, DEFAULT_EVENT_LIMITS, deriveId);

/** The decodeStorableEvent answer without the texts only a writer uses. */
function comparable(result: StorableDecodeResult) {
  return result.ok ? { ok: true, event: result.event, legacy: result.legacy } : result;
}

const nested = (depth: number): unknown => (depth === 0 ? 1 : { k: nested(depth - 1) });

const STRINGS = [
  'ok',
  'café ☕',
  'a\u0000b',
  'lone \ud800 high',
  'lone \udc00 low',
  'pair \ud83d\ude00',
  'tab\there',
  'back\\slash u\\u0041',
  '"quoted"',
  '',
  'x'.repeat(300),
];
const TYPES = ['payment.exception', 'a', 'Bad Type', 42, null, '', 'a:b/c-d_e', 'a\u0000'];
const SOURCES = [
  'client-42',
  '',
  'tab\tin',
  'a "quoted" \\ source',
  'ünïcödé ☕',
  7,
  null,
  undefined,
  's'.repeat(300),
];
const SEVERITIES = ['low', 'high', 'critical', 'urgent', 3, null, undefined];
const IDS = [
  '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
  '0B7E7F4E-2F0C-4C3E-9A3E-1F1F1F1F1F1F',
  'not-a-uuid',
  null,
  undefined,
  12,
];
const TIMES = [
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00.000Z',
  '2026-02-31T00:00:00Z',
  '2026-01-01T01:00:00+01:00',
  'yesterday',
  '1969-12-31T23:59:59Z',
  null,
  undefined,
  5,
];
const VALUES = [1, -2.5, 0, '3', null, undefined, true];

function randomPayload(rng: Prng): unknown {
  switch (rng.int(0, 7)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return rng.pick(STRINGS);
    case 3:
      return { note: rng.pick(STRINGS), n: rng.int(0, 9), list: [rng.pick(STRINGS), null] };
    case 4:
      return { [rng.pick(STRINGS)]: rng.pick(STRINGS) };
    case 5:
      return { blob: 'x'.repeat(rng.pick([100, 65_500, 70_000])) };
    case 6:
      return [1, 2];
    default:
      return 17;
  }
}

function randomEvent(rng: Prng): Record<string, unknown> {
  if (rng.chance(0.15)) {
    return rng.chance(0.8)
      ? { event_type: rng.pick(TYPES), event_payload: randomPayload(rng) }
      : { event_type: 'a', event_payload: 'b', type: 'c' };
  }
  const event: Record<string, unknown> = { type: rng.pick(TYPES) };
  const maybe = (field: string, pool: readonly unknown[]) => {
    if (rng.chance(0.6)) event[field] = rng.pick(pool);
  };
  maybe('id', IDS);
  maybe('source', SOURCES);
  maybe('severity', SEVERITIES);
  maybe('occurredAt', TIMES);
  maybe('value', VALUES);
  if (rng.chance(0.7)) event.payload = randomPayload(rng);
  if (rng.chance(0.1)) event.version = rng.pick([1, 2, '1']);
  if (rng.chance(0.1)) event[rng.pick(['colour', 'constructor', 'ok'])] = rng.pick(STRINGS);
  return event;
}

describe('decodeParsedEvent', () => {
  it('answers 2,000 seeded events, good and bad, as the consumer answers their JSON', () => {
    const rng = new Prng(SEED);
    const differences: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const event = randomEvent(rng);
      const json = JSON.stringify(event);
      const expected = comparable(asConsumerSees(json));
      const parsed = decodeParsedEvent(event, ORIGIN, DEFAULT_EVENT_LIMITS, deriveId);
      const actual = parsed.ok ? { ok: true, event: parsed.event, legacy: parsed.legacy } : parsed;
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        differences.push(`${json.slice(0, 200)}: ${JSON.stringify([actual, expected])}`);
      }
      if (parsed.ok) {
        accepted++;
        // Byte for byte what JSON.stringify writes of the whole version-1 event.
        const { event: e } = parsed;
        const whole = JSON.stringify({
          version: 1,
          id: e.id,
          type: e.type,
          source: e.source,
          severity: e.severity,
          occurredAt: e.occurredAt.toISOString(),
          value: e.value,
          payload: e.payload,
        });
        if (parsed.json !== whole) differences.push(`json ${parsed.json} against ${whole}`);
        // What the gateway publishes is what the consumer then stores (in the version-1 shape,
        // a legacy event included).
        const published = asConsumerSees(parsed.json);
        if (!published.ok || JSON.stringify(published.event) !== JSON.stringify(parsed.event)) {
          differences.push(`published ${parsed.json.slice(0, 200)}: ${JSON.stringify(published)}`);
        }
      }
    }
    expect(differences.slice(0, 5)).toEqual([]);
    // Both kinds were met, in numbers.
    expect(accepted).toBeGreaterThan(100);
    expect(2000 - accepted).toBeGreaterThan(100);
  });

  it('refuses a payload nested deeper than the consumer takes, with its reason', () => {
    for (const depth of [MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_DEPTH + 1]) {
      const event = { type: 'a', payload: nested(depth) };
      const parsed = decodeParsedEvent(event, ORIGIN, DEFAULT_EVENT_LIMITS, deriveId);
      const expected = asConsumerSees(JSON.stringify(event));
      expect(parsed.ok).toBe(depth === MAX_PAYLOAD_DEPTH);
      expect(parsed.ok ? 'ok' : parsed.reasons).toEqual(expected.ok ? 'ok' : expected.reasons);
    }
  });

  it('refuses an event too large to publish for its fields, and a number JSON cannot hold', () => {
    const huge = { type: 'a', junk: 'x'.repeat(300_000) };
    expect(decodeParsedEvent(huge, ORIGIN, DEFAULT_EVENT_LIMITS, deriveId)).toEqual({
      ok: false,
      reasons: ['unknown field "junk"'],
    });
    expect(asConsumerSees(JSON.stringify(huge)).ok).toBe(false);
    const infinite = JSON.parse('{"type":"a","value":1e400}') as unknown;
    expect(decodeParsedEvent(infinite, ORIGIN, DEFAULT_EVENT_LIMITS, deriveId)).toEqual({
      ok: false,
      reasons: ['"value" must be a number, got number Infinity'],
    });
    expect(asConsumerSees('{"type":"a","value":1e400}')).toEqual({
      ok: false,
      reasons: ['"value" must be a number, got number Infinity'],
    });
  });

  it('refuses what is not an object, and a message over the size limit', () => {
    expect(decodeParsedEvent([1], ORIGIN, DEFAULT_EVENT_LIMITS, deriveId)).toEqual({
      ok: false,
      reasons: ['message value is JSON an array; an event must be a JSON object'],
    });
    const limits = { ...DEFAULT_EVENT_LIMITS, maxMessageBytes: 200 };
    const parsed = decodeParsedEvent(
      { type: 'a', payload: 'é'.repeat(60) },
      ORIGIN,
      limits,
      deriveId,
    );
    expect(parsed).toEqual({
      ok: false,
      reasons: [expect.stringMatching(/^message value is 2\d\d bytes, over the limit of 200/)],
    });
  });

  it('gives the JSON to publish as JSON.stringify writes the whole version-1 event', () => {
    const parsed = decodeParsedEvent(
      { type: 'a', severity: 'high', payload: { b: [1, 'é'] }, value: 2 },
      ORIGIN,
      DEFAULT_EVENT_LIMITS,
      deriveId,
    );
    if (!parsed.ok) throw new Error(parsed.reasons.join('; '));
    expect(parsed.json).toBe(
      JSON.stringify({
        version: 1,
        id: parsed.event.id,
        type: 'a',
        source: 'unknown',
        severity: 'high',
        occurredAt: '2026-12-07T05:00:00.000Z',
        value: 2,
        payload: { b: [1, 'é'] },
      }),
    );
    expect(parsed.event.id).toBe(deriveId('events', 3, '41'));
  });
});

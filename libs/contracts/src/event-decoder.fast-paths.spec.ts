import { DEFAULT_EVENT_LIMITS, EventLimits } from './event';
import { decodeEventMessage, decodeStorableEvent, RawEventMessage } from './event-decoder';
import { keyedEventIds } from './event-id';

/**
 * The checks that run per event without a regex or a split (the calendar check, the UUID
 * check, the payload's byte count, unknown fields), at their edges; event-decoder.spec.ts
 * holds the contract itself.
 */
const deriveEventId = keyedEventIds('fast-paths-spec-secret');

function message(value: unknown): RawEventMessage {
  return {
    topic: 'events',
    partition: 0,
    offset: '1',
    key: null,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    timestamp: String(Date.UTC(2026, 0, 1)),
  };
}

const decode = (value: unknown, limits: EventLimits = DEFAULT_EVENT_LIMITS) =>
  decodeEventMessage(message(value), limits, deriveEventId);
const reasonsOf = (value: unknown, limits?: EventLimits) => {
  const result = decode(value, limits);
  return result.ok ? [] : result.reasons;
};

describe('occurredAt: the calendar check reads the fields where the pattern puts them', () => {
  it.each([
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2026-12-31T00:00Z', '2026-12-31T00:00:00.000Z'],
    ['2026-04-30T10:00+02:00', '2026-04-30T08:00:00.000Z'],
    ['2026-01-31T12:00:59.999999999z', '2026-01-31T12:00:59.999Z'],
  ])('accepts %s', (occurredAt, stored) => {
    const result = decode({ type: 'a', occurredAt });
    expect(result.ok && result.event.occurredAt.toISOString()).toBe(stored);
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2026-04-31T00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-13-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-10T24:00:00Z',
    '2026-01-10T23:60Z',
    '2026-01-10T23:59:60Z',
    '2026-01-10T23:59:60.5+01:00',
  ])('refuses %s as not a real date-time', (occurredAt) => {
    expect(reasonsOf({ type: 'a', occurredAt })).toEqual([
      `"occurredAt" is not a real date-time: ${JSON.stringify(occurredAt)}`,
    ]);
  });
});

describe('id: the UUID check', () => {
  const uuid = '6f1c2f4e-8a0b-4a51-9a5e-0c1f2e3d4b5a';

  it('keeps a lower-case id as it is and lowers any upper-case hex digit', () => {
    for (const id of [uuid, uuid.toUpperCase(), '6F1c2f4e-8a0b-4a51-9a5e-0c1f2e3d4b5A']) {
      const result = decode({ type: 'a', id });
      expect(result.ok && result.event.id).toBe(uuid);
    }
  });

  it.each([
    uuid.slice(1),
    `${uuid}0`,
    `${uuid}\n`,
    uuid.replace(/-/g, ''),
    uuid.replace('-', 'x'),
    `${uuid.slice(0, 8)}0${uuid.slice(9)}`,
    uuid.replace('f', 'g'),
    uuid.replace('f', 'G'),
    uuid.replace('a', '\u0100'),
  ])('refuses %j', (id) => {
    expect(reasonsOf({ type: 'a', id })).toEqual([
      `"id" must be a UUID string, got the string ${JSON.stringify(id)}`,
    ]);
  });
});

describe('payload: measured and kept as JSON text once', () => {
  it('gives the JSON text the writer stores, and null without a payload', () => {
    const payload = { orderId: 'A-1', nested: { ok: true }, note: 'é€😀' };
    const cases: Array<[unknown, string | null]> = [
      [payload, JSON.stringify(payload)],
      ['plain text', '"plain text"'],
      [null, null],
      [undefined, null],
    ];
    for (const [value, json] of cases) {
      const result = decodeStorableEvent(
        message({ type: 'a', payload: value }),
        DEFAULT_EVENT_LIMITS,
        deriveEventId,
      );
      expect(result.ok && result.payloadJson).toBe(json);
      expect(result.ok && result.event.payload).toEqual(value ?? null);
    }
  });

  it('counts UTF-8 bytes, not characters, when the text could be over the limit', () => {
    const limits = { maxMessageBytes: 10_000, maxPayloadBytes: 30 };
    // "€€€€€€€€€€€€": 14 characters of JSON text, 38 bytes.
    expect(reasonsOf({ type: 'a', payload: '€'.repeat(12) }, limits)).toEqual([
      '"payload" is 38 bytes as JSON, over the limit of 30 bytes',
    ]);
    // "€€€€€€€€€x": 12 characters, 30 bytes, and "x…x": 30 characters, 30 bytes: at the limit.
    expect(decode({ type: 'a', payload: `${'€'.repeat(9)}x` }, limits).ok).toBe(true);
    expect(decode({ type: 'a', payload: 'x'.repeat(28) }, limits).ok).toBe(true);
    expect(reasonsOf({ type: 'a', payload: 'x'.repeat(29) }, limits)).toEqual([
      '"payload" is 31 bytes as JSON, over the limit of 30 bytes',
    ]);
    // 10 characters, under the limit at 3 bytes each: not counted, accepted.
    expect(decode({ type: 'a', payload: '€'.repeat(8) }, limits).ok).toBe(true);
  });

  it('refuses an invalid payload without a text to store', () => {
    const result = decodeStorableEvent(
      message({ type: 'a', payload: [1] }),
      DEFAULT_EVENT_LIMITS,
      deriveEventId,
    );
    expect(result).toEqual({
      ok: false,
      reasons: ['"payload" must be a JSON object or a string, got an array'],
    });
  });
});

describe('occurredAt: the ISO text the writer stores', () => {
  const isoOf = (value: unknown) => {
    const result = decodeStorableEvent(message(value), DEFAULT_EVENT_LIMITS, deriveEventId);
    if (!result.ok) throw new Error(result.reasons.join('; '));
    return result.occurredAtIso;
  };

  it('is toISOString of the decoded time, whatever the producer wrote', () => {
    expect(isoOf({ type: 'a', occurredAt: '2026-11-23T10:15:00.250+01:00' })).toBe(
      '2026-11-23T09:15:00.250Z',
    );
    expect(isoOf({ type: 'a', occurredAt: '2026-11-23T10:15Z' })).toBe('2026-11-23T10:15:00.000Z');
    expect(isoOf({ type: 'a', occurredAt: '2026-11-23T10:15:00.250z' })).toBe(
      '2026-11-23T10:15:00.250Z',
    );
    expect(isoOf({ type: 'a', occurredAt: '2026-11-23T10:15:00.2501Z' })).toBe(
      '2026-11-23T10:15:00.250Z',
    );
    expect(isoOf({ type: 'a' })).toBe('2026-01-01T00:00:00.000Z'); // the Kafka timestamp
    expect(isoOf({ event_type: 'a' })).toBe('2026-01-01T00:00:00.000Z'); // legacy: Kafka's too
  });

  it("is the producer's own text when toISOString wrote it, over years 1970-9999", () => {
    const from = Date.UTC(1970, 0, 1);
    const to = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    // 2,000 instants spread over the range, odd steps so every field takes many values.
    const step = Math.floor((to - from) / 2_000) + 7_919;
    for (let time = from; time <= to; time += step) {
      const iso = new Date(time).toISOString();
      expect(isoOf({ type: 'a', occurredAt: iso })).toBe(iso);
    }
  });
});

describe('unknown fields', () => {
  it('lists them in the order of the message, keys like __proto__ and 0 included', () => {
    expect(reasonsOf('{"type":"a","__proto__":{"x":1},"zz":1,"0":2}')).toEqual([
      'unknown fields "0", "__proto__", "zz"',
    ]);
  });

  it('decodes the same event whether or not it was asked for storage', () => {
    const value = { type: 'a', source: 's', payload: { k: 1 }, value: 2 };
    const plain = decodeEventMessage(message(value), DEFAULT_EVENT_LIMITS, deriveEventId);
    const storable = decodeStorableEvent(message(value), DEFAULT_EVENT_LIMITS, deriveEventId);
    expect(
      storable.ok && { ok: storable.ok, event: storable.event, legacy: storable.legacy },
    ).toEqual(plain);
  });
});

import Ajv2020 from 'ajv/dist/2020';
import { DEFAULT_EVENT_LIMITS } from './event';
import { decodeEventMessage, RawEventMessage } from './event-decoder';
import { keyedEventIds } from './event-id';
import schema from './event.schema.json';

const KAFKA_TS = String(Date.UTC(2026, 10, 23, 8, 0, 0));
const deriveEventId = keyedEventIds('decoder-spec-secret');

function message(value: string | Buffer | null, key: string | null = 'client-x'): RawEventMessage {
  return {
    topic: 'events',
    partition: 3,
    offset: '42',
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    timestamp: KAFKA_TS,
  };
}

function decode(value: string | Buffer | null, key?: string | null) {
  return decodeEventMessage(message(value, key), DEFAULT_EVENT_LIMITS, deriveEventId);
}

function reasonsOf(value: string | Buffer | null): string[] {
  const result = decode(value);
  if (result.ok) throw new Error(`expected a rejection for ${String(value)}`);
  return result.reasons;
}

describe('decodeEventMessage: version 1', () => {
  it('keeps every field of a complete event', () => {
    const result = decode(
      JSON.stringify({
        id: '6F1C2F4E-8A0B-4A51-9A5E-0C1F2E3D4B5A',
        type: 'payment.exception',
        source: 'client-y',
        severity: 'critical',
        occurredAt: '2026-11-23T10:15:00.250+01:00',
        value: 12.5,
        payload: { orderId: 'A-1', nested: { ok: true } },
      }),
    );
    expect(result).toEqual({
      ok: true,
      legacy: false,
      event: {
        id: '6f1c2f4e-8a0b-4a51-9a5e-0c1f2e3d4b5a',
        type: 'payment.exception',
        source: 'client-y',
        severity: 'critical',
        occurredAt: new Date('2026-11-23T09:15:00.250Z'),
        value: 12.5,
        payload: { orderId: 'A-1', nested: { ok: true } },
      },
    });
  });

  it('fills defaults from the Kafka message: id from coordinates, source from key, time from timestamp', () => {
    const result = decode('{"type":"login.failure"}', 'auth-service');
    expect(result).toEqual({
      ok: true,
      legacy: false,
      event: {
        id: deriveEventId('events', 3, '42'),
        type: 'login.failure',
        source: 'auth-service',
        severity: 'low',
        occurredAt: new Date(Number(KAFKA_TS)),
        value: null,
        payload: null,
      },
    });
  });

  it('uses "unknown" as source when there is neither a source nor a key', () => {
    const result = decode('{"type":"a"}', null);
    expect(result.ok && result.event.source).toBe('unknown');
  });

  it('accepts a string payload and explicit nulls for optional fields', () => {
    const result = decode(
      '{"type":"a","payload":"text","source":null,"severity":null,"value":null,"id":null,"occurredAt":null}',
    );
    expect(result.ok && result.event.payload).toBe('text');
  });
});

describe('decodeEventMessage: legacy shape', () => {
  it('normalises event_type and event_payload', () => {
    const result = decode(
      '{"event_type":"payment.exception","event_payload":"card declined"}',
      'client-x',
    );
    expect(result).toEqual({
      ok: true,
      legacy: true,
      event: {
        id: deriveEventId('events', 3, '42'),
        type: 'payment.exception',
        source: 'client-x',
        severity: 'low',
        occurredAt: new Date(Number(KAFKA_TS)),
        value: null,
        payload: 'card declined',
      },
    });
  });

  it('rejects v1 fields mixed into the legacy shape', () => {
    const result = decode('{"event_type":"a","severity":"high"}');
    expect(result).toEqual({
      ok: false,
      reasons: [
        'unknown field "severity" (the legacy shape has only event_type and event_payload)',
      ],
    });
  });
});

describe('decodeEventMessage: rejections say why', () => {
  it.each([
    [null, 'message value is null (a tombstone); an event must be a JSON object'],
    ['', 'message value is empty; an event must be a JSON object'],
    ['[1,2]', 'message value is JSON an array; an event must be a JSON object'],
    ['"text"', 'message value is JSON a string; an event must be a JSON object'],
    ['null', 'message value is JSON null; an event must be a JSON object'],
    ['{}', '"type" is required'],
    ['{"type":5}', '"type" must be a string, got number 5'],
    ['{"type":""}', '"type" must be 1 to 128 characters long, got 0'],
    [
      '{"type":"a","severity":"urgent"}',
      '"severity" must be one of low, medium, high, critical, got the string "urgent"',
    ],
    ['{"type":"a","value":"12"}', '"value" must be a number, got the string "12"'],
    ['{"type":"a","id":"not-a-uuid"}', '"id" must be a UUID string, got the string "not-a-uuid"'],
    ['{"type":"a","payload":[1]}', '"payload" must be a JSON object or a string, got an array'],
    ['{"type":"a","payload":7}', '"payload" must be a JSON object or a string, got number 7'],
    [
      '{"type":"a","version":2}',
      '"version" must be 1 (the only version of the event contract), got number 2',
    ],
    ['{"type":"a","extra":1}', 'unknown field "extra"'],
    [
      '{"type":"a","source":""}',
      '"source" must be 1 to 128 characters with no control characters, got ""',
    ],
    [
      '{"type":"a b"}',
      '"type" may contain only letters, digits and . _ : / - (starting with a letter or digit), got "a b"',
    ],
    [
      '{"type":"a","occurredAt":"2026-11-23 10:00"}',
      '"occurredAt" must be an ISO-8601 date-time with a time zone (e.g. 2026-01-31T12:00:00Z), got the string "2026-11-23 10:00"',
    ],
    [
      '{"type":"a","occurredAt":"2026-02-31T10:00:00Z"}',
      '"occurredAt" is not a real date-time: "2026-02-31T10:00:00Z"',
    ],
    [
      '{"type":"a","occurredAt":"1969-12-31T23:59:59Z"}',
      '"occurredAt" must be between 1970-01-01 and 9999-12-31, got "1969-12-31T23:59:59Z"',
    ],
    [
      '{"type":"a","payload":{"k":"x\\u0000y"}}',
      '$.payload.k contains a NUL character (\\u0000), which cannot be stored',
    ],
    [
      '{"type":"a","payload":"\\ud800"}',
      '$.payload contains an unpaired UTF-16 surrogate, which is not valid Unicode',
    ],
    [
      '{"type":"a","payload":{"\\u0000":1}}',
      '$.payload key contains a NUL character (\\u0000), which cannot be stored',
    ],
  ])('%s', (value, reason) => {
    expect(reasonsOf(value)).toEqual([reason]);
  });

  it('reports a raw NUL byte and invalid UTF-8 before trying to parse', () => {
    expect(reasonsOf(Buffer.from('{"type":"a\u0000"}'))).toEqual([
      'message value contains a NUL byte',
    ]);
    expect(reasonsOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual([
      'message value is not valid UTF-8',
    ]);
  });

  it('reports malformed JSON with the parser message', () => {
    const [reason] = reasonsOf('{"type": "a",');
    expect(reason).toMatch(/^message value is not valid JSON: /);
  });

  it('reports every problem of one event at once', () => {
    expect(reasonsOf('{"type":1,"severity":"x","value":"y","zzz":true}')).toEqual([
      'unknown field "zzz"',
      '"type" must be a string, got number 1',
      '"severity" must be one of low, medium, high, critical, got the string "x"',
      '"value" must be a number, got the string "y"',
    ]);
  });

  it('caps the message and the payload size', () => {
    const limits = { maxMessageBytes: 200, maxPayloadBytes: 20 };
    const big = decodeEventMessage(
      message(JSON.stringify({ type: 'a', payload: 'x'.repeat(300) })),
      limits,
      deriveEventId,
    );
    expect(big).toEqual({
      ok: false,
      reasons: ['message value is 325 bytes, over the limit of 200 bytes'],
    });
    const payload = decodeEventMessage(
      message(JSON.stringify({ type: 'a', payload: { k: 'x'.repeat(20) } })),
      limits,
      deriveEventId,
    );
    expect(payload).toEqual({
      ok: false,
      reasons: ['"payload" is 28 bytes as JSON, over the limit of 20 bytes'],
    });
  });

  it('caps how deeply a payload nests', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : { k: nested(depth - 1) });
    expect(decode(JSON.stringify({ type: 'a', payload: nested(32) })).ok).toBe(true);
    expect(reasonsOf(JSON.stringify({ type: 'a', payload: nested(33) }))).toEqual([
      '"payload" is nested deeper than 32 levels',
    ]);
  });

  it('ignores a key that cannot be a source instead of storing control characters', () => {
    const result = decode('{"type":"a"}', 'bad\nkey');
    expect(result.ok && result.event.source).toBe('unknown');
  });

  it('falls back to the arrival time when Kafka has no timestamp', () => {
    const before = Date.now();
    const result = decodeEventMessage(
      { ...message('{"type":"a"}'), timestamp: '-1' },
      DEFAULT_EVENT_LIMITS,
      deriveEventId,
    );
    expect(result.ok && result.event.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
  });
});

describe('the published JSON Schema agrees with the decoder', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  // Size caps and calendar checks are the consumer's (configurable) and not expressible in the schema.
  const samples = [
    '{"type":"a"}',
    '{"type":"payment.exception","source":"s","severity":"high","occurredAt":"2026-01-01T00:00:00Z","value":1,"payload":{"a":1}}',
    '{"type":"a","payload":"x","version":1}',
    '{"event_type":"a","event_payload":"b"}',
    '{"event_type":"a"}',
    '{"event_type":"a","event_payload":{"k":1}}',
    '{}',
    '{"type":1}',
    '{"type":"a","extra":true}',
    '{"type":"a","severity":"urgent"}',
    '{"type":"a","value":"1"}',
    '{"type":"a","payload":[1]}',
    '{"type":"a","id":"zz"}',
    '{"type":"a","version":2}',
    '{"type":"a","occurredAt":"yesterday"}',
    '{"type":"a b"}',
    '{"event_type":"a","source":"s"}',
    '{"event_type":5}',
    '[]',
    '"a"',
  ];
  it.each(samples)('%s', (sample) => {
    expect(validate(JSON.parse(sample))).toBe(decode(sample).ok);
  });
});

import { Prng } from '../../engine/src/testing/prng';
import { DEFAULT_EVENT_LIMITS, EventLimits, SEVERITIES } from './event';
import { decodeEventMessage, DecodeResult } from './event-decoder';
import { keyedEventIds } from './event-id';

/**
 * Fuzzes the event decoder with hostile bytes: it must never throw, and must always answer
 * either an event or a non-empty list of reasons. Seeded, so a failure replays exactly.
 */
const SEED = 0x5eed12;
const MAX_MESSAGE = DEFAULT_EVENT_LIMITS.maxMessageBytes; // EVENT_MAX_MESSAGE_BYTES default
const rng = new Prng(SEED);
const deriveEventId = keyedEventIds('fuzz-spec-secret-0123');

function decode(value: Buffer | null, limits: EventLimits): DecodeResult {
  return decodeEventMessage(
    { topic: 'events', partition: 0, offset: '7', key: Buffer.from('k'), value, timestamp: '1' },
    limits,
    deriveEventId,
  );
}

/** What is wrong with an answer, measured against the decoder's contract; undefined if nothing. */
function contractBreach(value: Buffer | null, limits: EventLimits): string | undefined {
  let result: DecodeResult;
  try {
    result = decode(value, limits);
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
  if (result.ok) {
    const { event } = result;
    if (typeof event.type !== 'string' || event.type.length === 0) return 'event without a type';
    if (!SEVERITIES.includes(event.severity)) return `severity ${event.severity}`;
    if (Number.isNaN(event.occurredAt.getTime())) return 'invalid occurredAt';
    if (event.value !== null && !Number.isFinite(event.value)) return `value ${event.value}`;
    try {
      // Whatever is accepted can be stored: it serialises without overflowing.
      JSON.stringify(event.payload);
    } catch (error) {
      return `accepted a payload that cannot be serialised: ${(error as Error).message}`;
    }
    return undefined;
  }
  if (!Array.isArray(result.reasons) || result.reasons.length === 0) return 'no reasons';
  if (!result.reasons.every((r) => typeof r === 'string' && r.length > 0)) return 'empty reason';
  return undefined;
}

/**
 * Decodes and checks the contract; breaches are collected and asserted once per test (an
 * expect() per case would cost more than the decoding).
 */
const breaches: string[] = [];
function check(value: Buffer | null, limits: EventLimits = DEFAULT_EVENT_LIMITS): DecodeResult {
  const breach = contractBreach(value, limits);
  if (breach) {
    const input = value === null ? 'null' : value.toString('latin1').slice(0, 120);
    breaches.push(`seed ${SEED}: ${breach} for ${JSON.stringify(input)}`);
    return { ok: false, reasons: [breach] };
  }
  return decode(value, limits);
}

afterEach(() => {
  expect(breaches.splice(0)).toEqual([]);
});

const SPECIALS = [
  '\\u0000',
  '\\ud800',
  '\\udc00',
  '\\ud83d\\ude00',
  '1e400',
  '-1e400',
  '9'.repeat(300),
  '"',
  '\\',
  '[',
  '{',
  ']',
  '}',
  ',',
  ':',
  'null',
  'true',
  '"type"',
  '"payload"',
];
const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80]];

function randomString(): string {
  const pieces = ['a', 'payment.exception', 'é', '😀', '\u0000', '\ud800', '\n', '"', '\\', '['];
  return Array.from({ length: rng.int(0, 6) }, () => rng.pick(pieces)).join('');
}

function randomValue(depth: number): unknown {
  switch (rng.int(0, depth > 4 ? 4 : 6)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, rng.next()]);
    case 3:
    case 4:
      return randomString();
    case 5:
      return Array.from({ length: rng.int(0, 3) }, () => randomValue(depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 3) }, () => [randomString(), randomValue(depth + 1)]),
      );
  }
}

/** An event-like object: real field names with random or plausible values. */
function randomEvent(): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  const plausible: Record<string, () => unknown> = {
    version: () => 1,
    id: () => '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
    type: () => 'payment.exception',
    source: () => 'client-1',
    severity: () => rng.pick(SEVERITIES),
    occurredAt: () => '2026-11-23T10:00:00Z',
    value: () => rng.next() * 100,
    payload: () => ({ note: randomString() }),
    event_type: () => 'login.failure',
    event_payload: () => 'x',
  };
  for (const [field, make] of Object.entries(plausible)) {
    if (rng.chance(0.6)) event[field] = rng.chance(0.7) ? make() : randomValue(0);
  }
  return event;
}

/** Byte-level damage: flips, insertions of specials or bad UTF-8, cuts, repeats. */
function mutate(text: string): Buffer {
  let bytes: Buffer = Buffer.from(text);
  for (let n = rng.int(1, 4); n > 0; n--) {
    const at = rng.int(0, bytes.length);
    switch (rng.int(0, 5)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = rng.int(0, 255);
        break;
      case 1:
        bytes = insertAt(bytes, at, Buffer.from(rng.pick(SPECIALS)));
        break;
      case 2:
        bytes = insertAt(bytes, at, Buffer.from(rng.pick(INVALID_UTF8)));
        break;
      case 3:
        bytes = bytes.subarray(0, at);
        break;
      case 4:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(rng.int(0, at))]);
        break;
      default:
        bytes = insertAt(bytes, at, Buffer.from([0]));
    }
  }
  return bytes;
}

function insertAt(bytes: Buffer, at: number, inserted: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
}

function nested(depth: number, kind: 'array' | 'object' | 'mixed', closed = true): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    open.push(asArray ? '[' : '{"k":');
    close.push(asArray ? ']' : '}');
  }
  return `${open.join('')}1${closed ? close.reverse().join('') : ''}`;
}

/** A valid event whose JSON text is exactly `bytes` long (padded inside a string payload). */
function eventOfSize(bytes: number): Buffer {
  const empty = '{"type":"a","payload":""}';
  return Buffer.from(`{"type":"a","payload":"${'x'.repeat(bytes - empty.length)}"}`);
}

describe('decodeEventMessage under fuzzing', () => {
  it('answers an event or reasons for 3,000 random event-like objects', () => {
    for (let i = 0; i < 3000; i++) check(Buffer.from(JSON.stringify(randomEvent())));
  });

  it('answers an event or reasons for 4,000 mutated messages', () => {
    for (let i = 0; i < 4000; i++) check(mutate(JSON.stringify(randomEvent())));
  });

  it('answers an event or reasons for 1,000 random JSON values of any kind', () => {
    for (let i = 0; i < 1000; i++) check(Buffer.from(JSON.stringify(randomValue(0)) ?? ''));
  });

  it.each([10, 32, 33, 34, 100, 1000, 5000, 20_000, 100_000])(
    'refuses or accepts %i levels of nesting, arrays, objects and both, closed or not',
    (depth) => {
      for (const kind of ['array', 'object', 'mixed'] as const) {
        for (const closed of [true, false]) {
          const deep = nested(depth, kind, closed);
          for (const text of [
            `{"type":"a","payload":{"k":${deep}}}`,
            `{"type":"a","extra":${deep}}`,
            `{"event_type":"a","event_payload":{"k":${deep}}}`,
            deep,
          ]) {
            const result = check(Buffer.from(text));
            // The event object and the payload object take two levels of the 33 allowed.
            if (depth > 31) expect(result.ok).toBe(false);
          }
        }
      }
    },
  );

  it('refuses numbers beyond a double where a number is required, and survives them anywhere', () => {
    const numbers: Array<[string, boolean]> = [
      ['1e400', false],
      ['-1e400', false],
      ['9'.repeat(300), true],
      [`-${'9'.repeat(300)}`, true],
      ['1e-400', true],
    ];
    for (const [number, finite] of numbers) {
      expect(check(Buffer.from(`{"type":"a","value":${number}}`)).ok).toBe(finite);
      check(Buffer.from(`{"type":"a","payload":{"n":${number}}}`));
      expect(check(Buffer.from(`{"type":${number}}`)).ok).toBe(false);
    }
  });

  it('refuses NUL and lone surrogates wherever they appear, escaped or raw', () => {
    const bad = ['\\u0000', '\\ud800', '\\udfff', '\\ud800x', 'x\\udc00'];
    for (const text of bad) {
      for (const template of [
        `{"type":"a","payload":"${text}"}`,
        `{"type":"a","payload":{"${text}":1}}`,
        `{"type":"a","source":"${text}"}`,
        `{"event_type":"a","event_payload":["${text}"]}`,
      ]) {
        expect(check(Buffer.from(template)).ok).toBe(false);
      }
    }
    expect(check(Buffer.from('{"type":"a","payload":"\u0000"}')).ok).toBe(false);
    for (const bytes of INVALID_UTF8) {
      const value = Buffer.concat([
        Buffer.from('{"type":"a","payload":"'),
        Buffer.from(bytes),
        Buffer.from('"}'),
      ]);
      expect(check(value)).toEqual({ ok: false, reasons: ['message value is not valid UTF-8'] });
    }
    // A surrogate pair is a real character, not a lone surrogate.
    expect(check(Buffer.from('{"type":"a","payload":"\\ud83d\\ude00"}')).ok).toBe(true);
  });

  it('draws the message size limit exactly at 256 KiB', () => {
    const roomy = { maxMessageBytes: MAX_MESSAGE, maxPayloadBytes: MAX_MESSAGE };
    expect(eventOfSize(MAX_MESSAGE)).toHaveLength(MAX_MESSAGE);
    expect(check(eventOfSize(MAX_MESSAGE - 1), roomy).ok).toBe(true);
    expect(check(eventOfSize(MAX_MESSAGE), roomy).ok).toBe(true);
    expect(check(eventOfSize(MAX_MESSAGE + 1), roomy)).toEqual({
      ok: false,
      reasons: [
        `message value is ${MAX_MESSAGE + 1} bytes, over the limit of ${MAX_MESSAGE} bytes`,
      ],
    });
    // With the default limits the same messages are refused for their payload, not the size.
    for (const size of [MAX_MESSAGE - 1, MAX_MESSAGE, MAX_MESSAGE + 1]) check(eventOfSize(size));
    // Mutations and deep nesting near the boundary.
    for (let i = 0; i < 50; i++) {
      check(mutate(eventOfSize(MAX_MESSAGE + rng.int(-2, 2)).toString()), roomy);
    }
    const deepAtLimit = `{"type":"a","payload":${nested(Math.floor((MAX_MESSAGE - 40) / 6), 'object')}}`;
    check(Buffer.from(deepAtLimit.padEnd(MAX_MESSAGE, ' ')), roomy);
  });

  it('answers for the empty, null and whitespace values', () => {
    for (const value of [null, Buffer.alloc(0), Buffer.from(' '), Buffer.from('\ufeff{}')]) {
      expect(check(value).ok).toBe(false);
    }
  });
});

import {
  DEFAULT_SEVERITY,
  EventLimits,
  ISO_DATE_TIME_PATTERN,
  MAX_PAYLOAD_DEPTH,
  MAX_OCCURRED_AT,
  MAX_SOURCE_LENGTH,
  MAX_TYPE_LENGTH,
  MIN_OCCURRED_AT,
  NormalizedEvent,
  SEVERITIES,
  Severity,
  TYPE_PATTERN,
  UNKNOWN_SOURCE,
} from './event';
import { EventIdDeriver } from './event-id';
import { isNestedDeeperThan } from './json-depth';
import { readUuidParts, UUID_LENGTH } from './uuid-parts';

/** The event object itself is one level; its payload may add MAX_PAYLOAD_DEPTH more. */
const MAX_MESSAGE_DEPTH = MAX_PAYLOAD_DEPTH + 1;

/** A Kafka message as the consumer sees it, reduced to what decoding needs. */
export interface RawEventMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Kafka timestamp in epoch milliseconds, as kafkajs gives it (a string). */
  timestamp: string;
}

export type DecodeResult =
  { ok: true; event: NormalizedEvent; legacy: boolean } | { ok: false; reasons: string[] };

/** DecodeResult, with what storing the event needs beyond the event itself. */
export type StorableDecodeResult =
  | {
      ok: true;
      event: NormalizedEvent;
      legacy: boolean;
      /**
       * The payload as JSON text (null when there is none): the text measured against
       * maxPayloadBytes, which the consumer stores as it is instead of serialising the
       * payload a second time.
       */
      payloadJson: string | null;
      /** event.occurredAt as Date.prototype.toISOString writes it (UTC, milliseconds). */
      occurredAtIso: string;
    }
  | { ok: false; reasons: string[] };

const V1_FIELDS = new Set([
  'version',
  'id',
  'type',
  'source',
  'severity',
  'occurredAt',
  'value',
  'payload',
]);
const LEGACY_FIELDS = new Set(['event_type', 'event_payload']);
const MAX_REPORTED_UNKNOWN_FIELDS = 10;

// fatal: invalid UTF-8 is rejected with a reason instead of being silently replaced by U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns one Kafka message into a normalised event, or into every reason it cannot be one.
 * Pure and synchronous: the consumer calls it for every message on the hot path. `deriveId`
 * gives the id of an event published without one (see event-id.ts).
 */
export function decodeEventMessage(
  message: RawEventMessage,
  limits: EventLimits,
  deriveId: EventIdDeriver,
): DecodeResult {
  const result = decodeMessage(message, limits, deriveId);
  return result.ok ? { ok: true, event: result.event, legacy: result.legacy } : result;
}

/**
 * decodeEventMessage for a writer: the same checks and answers, and the texts it stores, the
 * payload's JSON and the time in ISO form.
 */
export function decodeStorableEvent(
  message: RawEventMessage,
  limits: EventLimits,
  deriveId: EventIdDeriver,
): StorableDecodeResult {
  const result = decodeMessage(message, limits, deriveId);
  if (!result.ok) return result;
  const { event, legacy, payloadJson, canonicalTime } = result;
  return {
    ok: true,
    event,
    legacy,
    payloadJson,
    // Producers that write times with toISOString send the very text it would give back.
    occurredAtIso: canonicalTime ?? event.occurredAt.toISOString(),
  };
}

/** A Kafka message without its value: where an event comes from, for the fields it lacks. */
export type EventOrigin = Omit<RawEventMessage, 'value'>;

/** decodeStorableEvent's answer for a parsed event, with the JSON to publish it as. */
export type PublishableDecodeResult =
  | { ok: true; event: NormalizedEvent; legacy: boolean; json: string }
  | { ok: false; reasons: string[] };

/**
 * decodeStorableEvent for an event its writer already holds parsed from JSON (the gateway,
 * from an HTTP body), with `origin` standing for the message it is published as: the same
 * checks and answers, and the version-1 JSON to publish (versionOneJson), without writing the
 * event out as JSON and parsing it back first. The checks the consumer makes on a message's
 * text (its size, its depth, escaped characters) are made on that JSON, which is what the
 * consumer will read. The caller bounds the object's depth: the checks walk it recursively.
 *
 * Two differences with writing the object out first, both about events refused either way:
 * an object whose JSON would be over maxMessageBytes or too deep is refused for its fields
 * first (a 300 KB unknown field is "unknown field", not "over the limit"); and a number JSON
 * cannot hold (1e400 parses as Infinity) is refused as the consumer refuses it in a message,
 * where JSON.stringify used to turn it into null. The event returned holds the object's
 * numbers as they are; its JSON writes them as JSON.stringify does (-0 as 0).
 */
export function decodeParsedEvent(
  input: unknown,
  origin: EventOrigin,
  limits: EventLimits,
  deriveId: EventIdDeriver,
): PublishableDecodeResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(`message value is JSON ${jsonKind(input)}; an event must be a JSON object`);
  }
  const object = input as Record<string, unknown>;
  // The escaped characters are looked for below, on the JSON they would be escaped in.
  const result = decodeObject(object, false, origin, limits, deriveId);
  if (!result.ok) {
    const bad = findUnstorableString(object);
    return bad ? { ok: false, reasons: [...result.reasons, bad] } : result;
  }
  const { event, legacy, payloadJson, canonicalTime } = result;
  const json = versionOneJson(event, canonicalTime ?? event.occurredAt.toISOString(), payloadJson);
  const bytes = utf8BytesIfOver(json, limits.maxMessageBytes);
  if (bytes > limits.maxMessageBytes) return fail(overLimit(bytes, limits));
  // The payload is the only value nested in the event object: its depth is the message's, less one.
  if (payloadJson !== null && isNestedDeeperThan(payloadJson, MAX_PAYLOAD_DEPTH)) {
    return fail(TOO_DEEP);
  }
  // JSON.stringify writes NUL and lone surrogates as \u escapes, as a producer's JSON would.
  if (json.includes('\\u')) {
    const bad = findUnstorableString(object);
    if (bad) return fail(bad);
  }
  return { ok: true, event, legacy, json };
}

/**
 * What JSON.stringify of the whole version-1 event gives, with the payload's JSON text that the
 * decoder already made (checking its size) spliced in instead of serialising the payload again.
 * Written field by field instead of stringifying an object made for each event (5% of a
 * 100-event request's CPU in a profile, though the gain measured within noise): the severity is
 * one of SEVERITIES and the time an ISO text of digits, - : . T Z, which JSON writes as they
 * are; the texts a producer chose are escaped by JSON.stringify.
 */
export function versionOneJson(
  event: NormalizedEvent,
  occurredAtIso: string,
  payloadJson: string | null,
): string {
  return (
    `{"version":1,"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)}` +
    `,"source":${JSON.stringify(event.source)},"severity":"${event.severity}"` +
    `,"occurredAt":"${occurredAtIso}","value":${JSON.stringify(event.value)}` +
    `,"payload":${payloadJson ?? 'null'}}`
  );
}

/** What both decoders share; canonicalTime is occurredAt's text when toISOString would write it. */
type DecodedMessage =
  | {
      ok: true;
      event: NormalizedEvent;
      legacy: boolean;
      payloadJson: string | null;
      canonicalTime: string | undefined;
    }
  | { ok: false; reasons: string[] };

function decodeMessage(
  message: RawEventMessage,
  limits: EventLimits,
  deriveId: EventIdDeriver,
): DecodedMessage {
  const parsed = parseJsonObject(message.value, limits);
  if (!parsed.ok) return parsed;
  // Strings PostgreSQL cannot store (NUL, lone UTF-16 surrogates) can only arrive as \u escapes,
  // because the raw bytes were already checked to be valid UTF-8 JSON.
  return decodeObject(parsed.object, parsed.text.includes('\\u'), message, limits, deriveId);
}

/** The checks of an event's fields; `escaped`: whether its strings may hold what JSON escapes. */
function decodeObject(
  object: Record<string, unknown>,
  escaped: boolean,
  origin: EventOrigin,
  limits: EventLimits,
  deriveId: EventIdDeriver,
): DecodedMessage {
  const isLegacy = 'event_type' in object && !('type' in object);
  const reasons: string[] = [];
  const unknown = unknownFields(object, isLegacy ? LEGACY_FIELDS : V1_FIELDS);
  if (unknown.length > 0) {
    const listed = unknown.slice(0, MAX_REPORTED_UNKNOWN_FIELDS).map((f) => JSON.stringify(f));
    const more = unknown.length - listed.length;
    reasons.push(
      `unknown field${unknown.length > 1 ? 's' : ''} ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}` +
        (isLegacy ? ' (the legacy shape has only event_type and event_payload)' : ''),
    );
  }

  const fields = isLegacy
    ? {
        type: object.event_type,
        payload: object.event_payload,
        typeField: 'event_type',
        payloadField: 'event_payload',
      }
    : { type: object.type, payload: object.payload, typeField: 'type', payloadField: 'payload' };

  const type = checkType(fields.type, fields.typeField, reasons);
  const payloadJson = checkPayload(fields.payload, fields.payloadField, limits, reasons);
  const id = isLegacy ? undefined : checkId(object.id, reasons);
  const source = isLegacy ? undefined : checkSource(object.source, reasons);
  const severity = isLegacy ? DEFAULT_SEVERITY : checkSeverity(object.severity, reasons);
  const occurredAt = isLegacy ? undefined : checkOccurredAt(object.occurredAt, reasons);
  const value = isLegacy ? null : checkValue(object.value, reasons);
  if (!isLegacy && object.version !== undefined && object.version !== 1) {
    reasons.push(
      `"version" must be 1 (the only version of the event contract), got ${describe(object.version)}`,
    );
  }
  if (escaped) {
    const bad = findUnstorableString(object);
    if (bad) reasons.push(bad);
  }

  if (reasons.length > 0) return { ok: false, reasons };
  const payload = payloadJson === undefined ? null : (fields.payload as NormalizedEvent['payload']);
  return {
    ok: true,
    legacy: isLegacy,
    payloadJson: payloadJson ?? null,
    canonicalTime:
      occurredAt && isCanonicalUtc(object.occurredAt as string)
        ? (object.occurredAt as string)
        : undefined,
    event: {
      id: id ?? deriveId(origin.topic, origin.partition, origin.offset),
      type: type!,
      source: source ?? sourceFromKey(origin.key),
      severity: severity!,
      occurredAt: occurredAt ?? kafkaTimestamp(origin.timestamp),
      value,
      payload,
    },
  };
}

const TOO_DEEP = `message value is nested deeper than ${MAX_MESSAGE_DEPTH} levels (the event object and a payload of at most ${MAX_PAYLOAD_DEPTH})`;

const overLimit = (bytes: number, limits: EventLimits) =>
  `message value is ${bytes} bytes, over the limit of ${limits.maxMessageBytes} bytes`;

type ParsedObject =
  { ok: true; object: Record<string, unknown>; text: string } | { ok: false; reasons: string[] };

function parseJsonObject(value: Buffer | null, limits: EventLimits): ParsedObject {
  if (value === null) {
    return fail('message value is null (a tombstone); an event must be a JSON object');
  }
  if (value.length === 0) return fail('message value is empty; an event must be a JSON object');
  if (value.length > limits.maxMessageBytes) return fail(overLimit(value.length, limits));
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return fail('message value is not valid UTF-8');
  }
  if (text.includes('\u0000')) return fail('message value contains a NUL byte');
  // Checked on the text: every later walk of the parsed value (JSON.stringify below, the
  // NUL search, PostgreSQL's jsonb parser) may then recurse without overflowing the stack.
  if (isNestedDeeperThan(value, MAX_MESSAGE_DEPTH)) return fail(TOO_DEEP);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`message value is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(`message value is JSON ${jsonKind(parsed)}; an event must be a JSON object`);
  }
  return { ok: true, object: parsed as Record<string, unknown>, text };
}

function checkType(value: unknown, field: string, reasons: string[]): string | undefined {
  if (value === undefined || value === null) {
    reasons.push(`"${field}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') {
    reasons.push(`"${field}" must be a string, got ${describe(value)}`);
    return undefined;
  }
  if (value.length === 0 || value.length > MAX_TYPE_LENGTH) {
    reasons.push(`"${field}" must be 1 to ${MAX_TYPE_LENGTH} characters long, got ${value.length}`);
    return undefined;
  }
  if (!TYPE_PATTERN.test(value)) {
    reasons.push(
      `"${field}" may contain only letters, digits and . _ : / - (starting with a letter or digit), got ${JSON.stringify(truncate(value))}`,
    );
    return undefined;
  }
  return value;
}

function checkId(value: unknown, reasons: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    // The usual id, a lower-case UUID, is read once as its parts: alerting's engine copies them
    // when it keeps this event's id next (see uuid-parts.ts).
    if (readUuidParts(value)) return value;
    // Upper-case hex digits are lowered, so an id is stored and reported in one form. Only a
    // text of a UUID's length is copied: lowering cannot turn anything else into one.
    if (value.length === UUID_LENGTH) {
      const lowered = value.toLowerCase();
      if (readUuidParts(lowered)) return lowered;
    }
  }
  reasons.push(`"id" must be a UUID string, got ${describe(value)}`);
  return undefined;
}

function checkSource(value: unknown, reasons: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    reasons.push(`"source" must be a string, got ${describe(value)}`);
    return undefined;
  }
  if (!isPrintableIdentifier(value, MAX_SOURCE_LENGTH)) {
    reasons.push(
      `"source" must be 1 to ${MAX_SOURCE_LENGTH} characters with no control characters, got ${JSON.stringify(truncate(value))}`,
    );
    return undefined;
  }
  return value;
}

function checkSeverity(value: unknown, reasons: string[]): Severity | undefined {
  if (value === undefined || value === null) return DEFAULT_SEVERITY;
  if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value)) {
    reasons.push(`"severity" must be one of ${SEVERITIES.join(', ')}, got ${describe(value)}`);
    return undefined;
  }
  return value as Severity;
}

function checkOccurredAt(value: unknown, reasons: string[]): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ISO_DATE_TIME_PATTERN.test(value)) {
    reasons.push(
      `"occurredAt" must be an ISO-8601 date-time with a time zone (e.g. 2026-01-31T12:00:00Z), got ${describe(value)}`,
    );
    return undefined;
  }
  const millis = Date.parse(value);
  if (Number.isNaN(millis) || !isRealCalendarDate(value)) {
    reasons.push(`"occurredAt" is not a real date-time: ${JSON.stringify(value)}`);
    return undefined;
  }
  if (millis < MIN_OCCURRED_AT || millis > MAX_OCCURRED_AT) {
    reasons.push(
      `"occurredAt" must be between 1970-01-01 and 9999-12-31, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return new Date(millis);
}

/**
 * Date.parse rolls 2026-02-31 over to March; a producer sending that has a bug worth reporting.
 * Only called on text ISO_DATE_TIME_PATTERN matched, which fixes where each field sits
 * (YYYY-MM-DDTHH:MM, then :SS when the 17th character is a colon): the digits are read in
 * place, without splitting the text (this runs per event).
 */
function isRealCalendarDate(iso: string): boolean {
  const year = digitsAt(iso, 0, 4);
  const month = digitsAt(iso, 5, 2);
  const day = digitsAt(iso, 8, 2);
  const hour = digitsAt(iso, 11, 2);
  const minute = digitsAt(iso, 14, 2);
  const second = iso.charCodeAt(16) === COLON ? digitsAt(iso, 17, 2) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  // Every month has 28 days; only later days need the calendar (this runs per event).
  return day <= 28 || day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whether a time checkOccurredAt accepted is written as toISOString writes it: YYYY-MM-DD,
 * T, HH:MM:SS, a dot, three digits and Z. The pattern already put digits everywhere else, and
 * the fields were checked to be a real instant in years 1970-9999.
 */
function isCanonicalUtc(iso: string): boolean {
  return iso.length === 24 && iso.charCodeAt(19) === DOT && iso.charCodeAt(23) === UPPER_Z;
}

const DOT = 0x2e;
const UPPER_Z = 0x5a;
const COLON = 0x3a;
const DIGIT_ZERO = 0x30;

/** The number written by `count` ASCII digits of `text` from `at` (checked to be digits). */
function digitsAt(text: string, at: number, count: number): number {
  let number = 0;
  for (let i = at; i < at + count; i++) number = number * 10 + text.charCodeAt(i) - DIGIT_ZERO;
  return number;
}

function checkValue(value: unknown, reasons: string[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reasons.push(`"value" must be a number, got ${describe(value)}`);
    return null;
  }
  return value;
}

/** The payload's JSON text when it is present and valid, else undefined (with a reason if invalid). */
function checkPayload(
  value: unknown,
  field: string,
  limits: EventLimits,
  reasons: string[],
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const isObject = typeof value === 'object' && !Array.isArray(value);
  if (typeof value !== 'string' && !isObject) {
    reasons.push(`"${field}" must be a JSON object or a string, got ${describe(value)}`);
    return undefined;
  }
  // The whole message was checked to nest at most MAX_MESSAGE_DEPTH levels: stringify is safe.
  const json = JSON.stringify(value);
  const bytes = utf8BytesIfOver(json, limits.maxPayloadBytes);
  if (bytes > limits.maxPayloadBytes) {
    reasons.push(
      `"${field}" is ${bytes} bytes as JSON, over the limit of ${limits.maxPayloadBytes} bytes`,
    );
    return undefined;
  }
  return json;
}

/**
 * The text's length in UTF-8 when it may be over `limit` bytes, else 0: a UTF-16 code unit is
 * at most 3 bytes of UTF-8, so most texts need no byte count.
 */
function utf8BytesIfOver(text: string, limit: number): number {
  return text.length * 3 <= limit ? 0 : Buffer.byteLength(text, 'utf8');
}

/**
 * Finds the first string (or object key) PostgreSQL text/jsonb would reject. Recursive, but
 * only over a message already checked to nest at most MAX_MESSAGE_DEPTH levels.
 */
function findUnstorableString(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'string') return unstorableReason(value, path);
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableString(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found =
      unstorableReason(key, `${path} key`) ?? findUnstorableString(child, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function unstorableReason(text: string, path: string): string | undefined {
  if (text.includes('\u0000'))
    return `${path} contains a NUL character (\\u0000), which cannot be stored`;
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    return `${path} contains an unpaired UTF-16 surrogate, which is not valid Unicode`;
  }
  return undefined;
}

/** The fields of `object` that `allowed` does not name; no array is made when all are known. */
function unknownFields(
  object: Record<string, unknown>,
  allowed: ReadonlySet<string>,
): readonly string[] {
  let unknown: string[] | undefined;
  for (const field in object) {
    if (!allowed.has(field)) (unknown ??= []).push(field);
  }
  return unknown ?? NONE;
}

const NONE: readonly string[] = [];

function sourceFromKey(key: Buffer | null): string {
  if (!key || key.length === 0) return UNKNOWN_SOURCE;
  let text: string;
  try {
    text = utf8.decode(key);
  } catch {
    return UNKNOWN_SOURCE;
  }
  return isPrintableIdentifier(text, MAX_SOURCE_LENGTH) ? text : UNKNOWN_SOURCE;
}

function kafkaTimestamp(timestamp: string): Date {
  const millis = Number(timestamp);
  // Kafka uses -1 for "no timestamp"; fall back to the time we saw the message.
  return Number.isFinite(millis) && millis >= MIN_OCCURRED_AT && millis <= MAX_OCCURRED_AT
    ? new Date(millis)
    : new Date();
}

function isPrintableIdentifier(text: string, maxLength: number): boolean {
  // eslint-disable-next-line no-control-regex
  return text.length > 0 && text.length <= maxLength && !/[\u0000-\u001f\u007f]/.test(text);
}

function fail(reason: string): { ok: false; reasons: string[] } {
  return { ok: false, reasons: [reason] };
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

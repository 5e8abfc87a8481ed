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
  UUID_PATTERN,
} from './event';
import { EventIdDeriver } from './event-id';

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
  const parsed = parseJsonObject(message.value, limits);
  if (!parsed.ok) return parsed;
  const { object, text } = parsed;

  const isLegacy = 'event_type' in object && !('type' in object);
  const reasons: string[] = [];
  const allowed = isLegacy ? LEGACY_FIELDS : V1_FIELDS;
  const unknown = Object.keys(object).filter((field) => !allowed.has(field));
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
  const payload = checkPayload(fields.payload, fields.payloadField, limits, reasons);
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
  // Strings PostgreSQL cannot store (NUL, lone UTF-16 surrogates) can only arrive as \u escapes,
  // because the raw bytes were already checked to be valid UTF-8 JSON.
  if (text.includes('\\u')) {
    const bad = findUnstorableString(object);
    if (bad) reasons.push(bad);
  }

  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    legacy: isLegacy,
    event: {
      id: id ?? deriveId(message.topic, message.partition, message.offset),
      type: type!,
      source: source ?? sourceFromKey(message.key),
      severity: severity!,
      occurredAt: occurredAt ?? kafkaTimestamp(message.timestamp),
      value,
      payload: payload ?? null,
    },
  };
}

type ParsedObject =
  { ok: true; object: Record<string, unknown>; text: string } | { ok: false; reasons: string[] };

function parseJsonObject(value: Buffer | null, limits: EventLimits): ParsedObject {
  if (value === null) {
    return fail('message value is null (a tombstone); an event must be a JSON object');
  }
  if (value.length === 0) return fail('message value is empty; an event must be a JSON object');
  if (value.length > limits.maxMessageBytes) {
    return fail(
      `message value is ${value.length} bytes, over the limit of ${limits.maxMessageBytes} bytes`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return fail('message value is not valid UTF-8');
  }
  if (text.includes('\u0000')) return fail('message value contains a NUL byte');
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
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    reasons.push(`"id" must be a UUID string, got ${describe(value)}`);
    return undefined;
  }
  return value.toLowerCase();
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

/** Date.parse rolls 2026-02-31 over to March; a producer sending that has a bug worth reporting. */
function isRealCalendarDate(isoDateTime: string): boolean {
  const [year, month, day, hour, minute, second = 0] = isoDateTime
    .slice(0, 19)
    .split(/[-T:]/)
    .map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  // Every month has 28 days; only later days need the calendar (this runs per event).
  return day <= 28 || day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkValue(value: unknown, reasons: string[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reasons.push(`"value" must be a number, got ${describe(value)}`);
    return null;
  }
  return value;
}

function checkPayload(
  value: unknown,
  field: string,
  limits: EventLimits,
  reasons: string[],
): Record<string, unknown> | string | undefined {
  if (value === undefined || value === null) return undefined;
  const isObject = typeof value === 'object' && !Array.isArray(value);
  if (typeof value !== 'string' && !isObject) {
    reasons.push(`"${field}" must be a JSON object or a string, got ${describe(value)}`);
    return undefined;
  }
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes <= limits.maxPayloadBytes && depthOf(value) > MAX_PAYLOAD_DEPTH) {
    reasons.push(`"${field}" is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    return undefined;
  }
  if (bytes > limits.maxPayloadBytes) {
    reasons.push(
      `"${field}" is ${bytes} bytes as JSON, over the limit of ${limits.maxPayloadBytes} bytes`,
    );
    return undefined;
  }
  return value as Record<string, unknown> | string;
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child));
    if (deepest > MAX_PAYLOAD_DEPTH) break;
  }
  return deepest + 1;
}

/** Finds the first string (or object key) PostgreSQL text/jsonb would reject. */
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

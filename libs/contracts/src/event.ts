/** The event contract, version 1 (see event.schema.json for the published JSON Schema). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_SEVERITY: Severity = 'low';
/** Used when an event names no source and its Kafka message has no usable key. */
export const UNKNOWN_SOURCE = 'unknown';

/** What producers send (all optional but `type`). */
export interface EventV1 {
  version?: 1;
  id?: string;
  type: string;
  source?: string;
  severity?: Severity;
  occurredAt?: string;
  value?: number | null;
  payload?: Record<string, unknown> | string | null;
}

/** The minimal legacy shape, still accepted and normalised to version 1. */
export interface LegacyEvent {
  event_type: string;
  event_payload?: Record<string, unknown> | string | null;
}

/** A validated, normalised event: every field resolved, ready to persist or evaluate. */
export interface NormalizedEvent {
  id: string;
  type: string;
  source: string;
  severity: Severity;
  occurredAt: Date;
  value: number | null;
  payload: Record<string, unknown> | string | null;
}

export interface EventLimits {
  /** Largest accepted Kafka message value, in bytes. */
  maxMessageBytes: number;
  /** Largest accepted `payload`, measured as its JSON text in UTF-8 bytes. */
  maxPayloadBytes: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxMessageBytes: 256 * 1024,
  maxPayloadBytes: 64 * 1024,
};

/** Deeper payloads are almost always a bug or an attack, and PostgreSQL's parser has a stack limit. */
export const MAX_PAYLOAD_DEPTH = 32;
export const MAX_TYPE_LENGTH = 128;
export const MAX_SOURCE_LENGTH = 128;
/** Type names are identifiers such as `payment.exception` or `host.cpu:usage`. */
export const TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
export const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** RFC 3339 date-time: a time zone is required so an instant is never ambiguous. */
export const ISO_DATE_TIME_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:\d{2})$/;
/** PostgreSQL and dashboards cope with any instant, but anything outside this is a producer bug. */
export const MIN_OCCURRED_AT = Date.UTC(1970, 0, 1);
export const MAX_OCCURRED_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

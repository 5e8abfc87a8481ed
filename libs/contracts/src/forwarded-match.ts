import { createHash } from 'node:crypto';
import { MAX_SOURCE_LENGTH, MAX_TYPE_LENGTH, Severity, SEVERITIES } from './event';
import {
  checkEnum,
  checkNumber,
  checkString,
  isPlainObject,
  parseJsonObjectValue,
  Reasons,
  rejectUnknownFields,
} from './field-checks';
import { Decoded } from './notification-decoder';
import { RULE_LIMITS } from './rule';

/**
 * A record on `alerting-repartition`: an event matched a rule that does not group by source,
 * and the alerting replica that read it passes the match on to the replica holding the
 * rule's window for that group key. Written and read by alerting replicas only, possibly of
 * two versions during an upgrade: `v` says which.
 */
export interface ForwardedMatch {
  ruleId: string;
  /** evaluationFingerprint of the rule version that made the match. */
  fingerprint: string;
  groupKey: string;
  event: {
    id: string;
    type: string;
    source: string;
    severity: Severity;
    /** Epoch ms. */
    occurredAt: number;
    value: number | null;
  };
  /** Where the event is on `events`: a replica that reads it again forwards the same origin. */
  origin: { partition: number; offset: string };
}

export const FORWARDED_MATCH_VERSION = 1;
/** Group keys are cut to 256 characters by the engine; ids and fingerprints are short. */
const MAX_KEY_LENGTH = 256;
const MAX_ID_LENGTH = 200;
const FIELDS = ['v', 'rule', 'fp', 'key', 'event', 'origin'];
const EVENT_FIELDS = ['id', 'type', 'source', 'severity', 'occurredAt', 'value'];

/**
 * The record key: rule and group key. Every match of one (rule, key) lands on one partition,
 * whose owner holds that window.
 */
export function forwardedMatchKey(ruleId: string, groupKey: string): string {
  return JSON.stringify([ruleId, groupKey]);
}

/**
 * The partition of a (rule, group key) among `partitions`. Chosen by alerting itself rather
 * than by the producer's partitioner, so that the replica holding a `groupBy: none` rule's one
 * window knows it holds it before any match arrives.
 */
export function forwardedMatchPartition(
  ruleId: string,
  groupKey: string,
  partitions: number,
): number {
  const digest = createHash('sha256').update(forwardedMatchKey(ruleId, groupKey)).digest();
  return digest.readUInt32BE(0) % partitions;
}

export function encodeForwardedMatch(match: ForwardedMatch): string {
  return JSON.stringify({
    v: FORWARDED_MATCH_VERSION,
    rule: match.ruleId,
    fp: match.fingerprint,
    key: match.groupKey,
    event: match.event,
    origin: match.origin,
  });
}

/** Decodes a record of `alerting-repartition`, or says everything that is wrong with it. */
export function decodeForwardedMatch(value: Buffer | string | null): Decoded<ForwardedMatch> {
  const parsed = parseJsonObjectValue(value, 'forwarded match');
  if (!parsed.ok) return parsed;
  const { object } = parsed;
  const reasons: Reasons = [];
  rejectUnknownFields(object, FIELDS, '', reasons);
  if (object.v !== FORWARDED_MATCH_VERSION) {
    reasons.push(`"v" must be ${FORWARDED_MATCH_VERSION}, got ${JSON.stringify(object.v)}`);
  }
  const ruleId = checkString(object.rule, 'rule', reasons, {
    max: 128,
    pattern: RULE_LIMITS.idPattern,
    patternHint: 'must be a rule id',
  });
  const fingerprint = checkString(object.fp, 'fp', reasons, { max: 64 });
  const groupKey = checkString(object.key, 'key', reasons, { min: 0, max: MAX_KEY_LENGTH });
  const event = checkEvent(object.event, reasons);
  const origin = checkOrigin(object.origin, reasons);
  if (reasons.length > 0 || !ruleId || !fingerprint || groupKey === undefined) {
    return { ok: false, reasons };
  }
  return { ok: true, value: { ruleId, fingerprint, groupKey, event: event!, origin: origin! } };
}

function checkEvent(value: unknown, reasons: Reasons): ForwardedMatch['event'] | undefined {
  if (!isPlainObject(value)) {
    reasons.push('"event" must be an object');
    return undefined;
  }
  const before = reasons.length;
  rejectUnknownFields(value, EVENT_FIELDS, 'event', reasons);
  const id = checkString(value.id, 'event.id', reasons, { max: MAX_ID_LENGTH });
  const type = checkString(value.type, 'event.type', reasons, { max: MAX_TYPE_LENGTH });
  const source = checkString(value.source, 'event.source', reasons, { max: MAX_SOURCE_LENGTH });
  const severity = checkEnum(value.severity, SEVERITIES, 'event.severity', reasons);
  const occurredAt = checkNumber(value.occurredAt, 'event.occurredAt', reasons, { integer: true });
  const eventValue = value.value === null ? null : checkNumber(value.value, 'event.value', reasons);
  if (reasons.length > before) return undefined;
  return {
    id: id!,
    type: type!,
    source: source!,
    severity: severity!,
    occurredAt: occurredAt!,
    value: eventValue!,
  };
}

function checkOrigin(value: unknown, reasons: Reasons): ForwardedMatch['origin'] | undefined {
  if (!isPlainObject(value)) {
    reasons.push('"origin" must be an object');
    return undefined;
  }
  const before = reasons.length;
  rejectUnknownFields(value, ['partition', 'offset'], 'origin', reasons);
  const partition = checkNumber(value.partition, 'origin.partition', reasons, {
    integer: true,
    min: 0,
    max: 1_000_000,
  });
  const offset = checkString(value.offset, 'origin.offset', reasons, {
    max: 20,
    pattern: /^\d+$/,
    patternHint: 'must be a Kafka offset',
  });
  if (reasons.length > before) return undefined;
  return { partition: partition!, offset: offset! };
}

import { SEVERITIES, UUID_PATTERN } from './event';
import {
  checkEnum,
  checkInstant,
  checkNumber,
  checkString,
  checkStringArray,
  describe,
  isPlainObject,
  parseJsonObjectValue,
  Reasons,
  rejectUnknownFields,
} from './field-checks';
import {
  DELIVERY_OUTCOMES,
  DeliveryRecord,
  Incident,
  INCIDENT_STATUSES,
  LIFECYCLE_KINDS,
  LifecycleMessage,
  MAX_INCIDENT_EVENT_IDS,
  STATUS_AFTER,
  SUPPRESSION_NOTICE_KIND,
} from './incident';
import { AGGREGATES, CHANNEL_TYPES, OPERATORS, RULE_LIMITS, WINDOW_KINDS } from './rule';
import { decodeRule } from './rule-decoder';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reasons: string[] };

const INCIDENT_FIELDS: (keyof Incident)[] = [
  'id',
  'ruleId',
  'ruleName',
  'groupKey',
  'severity',
  'status',
  'value',
  'aggregate',
  'operator',
  'threshold',
  'windowKind',
  'windowSeconds',
  'windowStart',
  'windowEnd',
  'openedAt',
  'acknowledgedAt',
  'acknowledgedBy',
  'resolvedAt',
  'resolvedBy',
  'eventIds',
  'channels',
];
const uuid = { max: 64, pattern: UUID_PATTERN, patternHint: 'must be a UUID' };

/** Decodes a value from `notifications`. Every field is required: messages carry whole incidents. */
export function decodeLifecycleMessage(value: Buffer | string | null): Decoded<LifecycleMessage> {
  const parsed = parseJsonObjectValue(value, 'notification');
  if (!parsed.ok) return parsed;
  const object = parsed.object;
  const reasons: Reasons = [];
  rejectUnknownFields(object, ['kind', 'at', 'actor', 'incident', 'summary'], '', reasons);
  const kind = checkEnum(object.kind, LIFECYCLE_KINDS, 'kind', reasons);
  const at = checkInstant(object.at, 'at', reasons);
  const actor = checkString(object.actor, 'actor', reasons, { max: 200 });
  const incident = checkIncident(object.incident, reasons);
  const notice = kind === SUPPRESSION_NOTICE_KIND;
  const summary =
    notice || object.summary !== undefined
      ? checkString(object.summary, 'summary', reasons, { max: 1000 })
      : undefined;
  if (kind && !notice && object.summary !== undefined) {
    reasons.push(`"summary" only belongs to ${SUPPRESSION_NOTICE_KIND} messages`);
  }
  if (kind && incident && STATUS_AFTER[kind] !== incident.status) {
    // Stored as it is, a contradiction would rank the incident by a status the message denies.
    reasons.push(
      `"kind" ${kind} requires "incident.status" ${STATUS_AFTER[kind]}, got ${incident.status}`,
    );
  }
  if (reasons.length > 0) return { ok: false, reasons };
  const message: LifecycleMessage = { kind: kind!, at: at!, actor: actor!, incident: incident! };
  if (summary !== undefined) message.summary = summary;
  return { ok: true, value: message };
}

function checkIncident(value: unknown, reasons: Reasons): Incident | undefined {
  if (!isPlainObject(value)) {
    reasons.push(`"incident" must be an object, got ${describe(value)}`);
    return undefined;
  }
  const before = reasons.length;
  rejectUnknownFields(value, INCIDENT_FIELDS, 'incident', reasons);
  const text = (field: keyof Incident, max = 200) =>
    checkString(value[field], `incident.${field}`, reasons, { max });
  const nullableText = (field: keyof Incident) =>
    value[field] === null
      ? null
      : checkString(value[field], `incident.${field}`, reasons, { max: 200 });
  const incident = {
    id: checkString(value.id, 'incident.id', reasons, uuid),
    ruleId: checkString(value.ruleId, 'incident.ruleId', reasons, {
      max: 128,
      pattern: RULE_LIMITS.idPattern,
    }),
    ruleName: text('ruleName', RULE_LIMITS.maxNameLength),
    groupKey: checkString(value.groupKey, 'incident.groupKey', reasons, { min: 0, max: 1024 }),
    severity: checkEnum(value.severity, SEVERITIES, 'incident.severity', reasons),
    status: checkEnum(value.status, INCIDENT_STATUSES, 'incident.status', reasons),
    value: checkNumber(value.value, 'incident.value', reasons),
    aggregate: checkEnum(value.aggregate, AGGREGATES, 'incident.aggregate', reasons),
    operator: checkEnum(value.operator, OPERATORS, 'incident.operator', reasons),
    threshold: checkNumber(value.threshold, 'incident.threshold', reasons),
    windowKind: checkEnum(value.windowKind, WINDOW_KINDS, 'incident.windowKind', reasons),
    windowSeconds: checkNumber(value.windowSeconds, 'incident.windowSeconds', reasons, {
      integer: true,
      min: RULE_LIMITS.minWindowSeconds,
      max: RULE_LIMITS.maxWindowSeconds,
    }),
    windowStart: checkInstant(value.windowStart, 'incident.windowStart', reasons),
    windowEnd: checkInstant(value.windowEnd, 'incident.windowEnd', reasons),
    openedAt: checkInstant(value.openedAt, 'incident.openedAt', reasons),
    acknowledgedAt: checkInstant(value.acknowledgedAt, 'incident.acknowledgedAt', reasons, true),
    acknowledgedBy: nullableText('acknowledgedBy'),
    resolvedAt: checkInstant(value.resolvedAt, 'incident.resolvedAt', reasons, true),
    resolvedBy: nullableText('resolvedBy'),
    eventIds: checkStringArray(value.eventIds, 'incident.eventIds', reasons, {
      maxItems: MAX_INCIDENT_EVENT_IDS,
      item: (item, field) => checkString(item, field, reasons, uuid),
    }),
    channels: checkIncidentChannels(value.channels, reasons),
  };
  return reasons.length === before ? (incident as Incident) : undefined;
}

/** Channels travel with the incident; they were checked as part of the rule, so check them the same way. */
function checkIncidentChannels(value: unknown, reasons: Reasons) {
  // The rule decoder fills in a default for missing channels; an incident must carry its own.
  if (!Array.isArray(value)) {
    reasons.push(`"incident.channels" must be an array, got ${describe(value)}`);
    return undefined;
  }
  const probe = decodeRule({
    id: 'probe',
    name: 'probe',
    match: { types: ['*'] },
    window: { seconds: 1 },
    condition: { operator: '>', threshold: 0 },
    channels: value,
  });
  if (probe.ok) return probe.rule.channels;
  reasons.push(...probe.reasons.map((reason) => `incident: ${reason}`));
  return undefined;
}

/** Decodes a value from `notifications.deliveries`. */
export function decodeDeliveryRecord(value: Buffer | string | null): Decoded<DeliveryRecord> {
  const parsed = parseJsonObjectValue(value, 'delivery record');
  if (!parsed.ok) return parsed;
  const object = parsed.object;
  const reasons: Reasons = [];
  rejectUnknownFields(
    object,
    [
      'id',
      'incidentId',
      'ruleId',
      'kind',
      'channelType',
      'channelIndex',
      'target',
      'attempt',
      'maxAttempts',
      'outcome',
      'statusCode',
      'error',
      'durationMs',
      'idempotencyKey',
      'at',
    ],
    '',
    reasons,
  );
  const record = {
    id: checkString(object.id, 'id', reasons, uuid),
    incidentId: checkString(object.incidentId, 'incidentId', reasons, uuid),
    ruleId: checkString(object.ruleId, 'ruleId', reasons, {
      max: 128,
      pattern: RULE_LIMITS.idPattern,
    }),
    kind: checkEnum(object.kind, LIFECYCLE_KINDS, 'kind', reasons),
    channelType: checkEnum(object.channelType, CHANNEL_TYPES, 'channelType', reasons),
    channelIndex: checkNumber(object.channelIndex, 'channelIndex', reasons, {
      integer: true,
      min: 0,
      max: RULE_LIMITS.maxChannels - 1,
    }),
    target: checkString(object.target, 'target', reasons, { min: 0, max: 500 }),
    attempt: checkNumber(object.attempt, 'attempt', reasons, { integer: true, min: 1, max: 100 }),
    maxAttempts: checkNumber(object.maxAttempts, 'maxAttempts', reasons, {
      integer: true,
      min: 1,
      max: 100,
    }),
    outcome: checkEnum(object.outcome, DELIVERY_OUTCOMES, 'outcome', reasons),
    statusCode:
      object.statusCode === null
        ? null
        : checkNumber(object.statusCode, 'statusCode', reasons, {
            integer: true,
            min: 0,
            max: 999,
          }),
    error:
      object.error === null
        ? null
        : checkString(object.error, 'error', reasons, { min: 0, max: 2000 }),
    durationMs: checkNumber(object.durationMs, 'durationMs', reasons, { min: 0 }),
    idempotencyKey: checkString(object.idempotencyKey, 'idempotencyKey', reasons, { max: 200 }),
    at: checkInstant(object.at, 'at', reasons),
  };
  if (reasons.length > 0) return { ok: false, reasons };
  return { ok: true, value: record as DeliveryRecord };
}

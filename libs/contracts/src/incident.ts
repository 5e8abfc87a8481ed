import { Severity } from './event';
import { Aggregate, ChannelConfig, ChannelType, Operator, WindowKind } from './rule';

/**
 * The incident and notification contracts: values on `notifications`,
 * `notifications.deliveries` and `notifications.dlq`. Part of the public contract: add
 * fields, never rename them.
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident only moves forward: open -> acknowledged -> resolved (resolved is final). */
export const INCIDENT_STATUS_RANK: Readonly<Record<IncidentStatus, number>> = {
  open: 0,
  acknowledged: 1,
  resolved: 2,
};

/**
 * `incidents.suppressed` is not an incident's transition but a notice to the rule's channels:
 * the rule opened more incidents in a minute than alerting allows, and the rest of that
 * minute's are not opened. Its `incident` is a stand-in naming the rule (status `resolved`:
 * there is nothing to acknowledge) and its `summary` says what happened. Stores of incidents
 * skip it (`isIncidentTransition`).
 */
export const LIFECYCLE_KINDS = [
  'incident.opened',
  'incident.acknowledged',
  'incident.resolved',
  'incidents.suppressed',
] as const;
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];
export const SUPPRESSION_NOTICE_KIND = 'incidents.suppressed';

/** The status an incident has after each transition: a message claiming otherwise is refused. */
export const STATUS_AFTER: Readonly<Record<LifecycleKind, IncidentStatus>> = {
  'incident.opened': 'open',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
  'incidents.suppressed': 'resolved',
};

/** Whether a message changes an incident (every kind but the suppression notice). */
export function isIncidentTransition(message: { kind: LifecycleKind }): boolean {
  return message.kind !== SUPPRESSION_NOTICE_KIND;
}

/** At most this many trigger event ids travel with an incident (the newest ones). */
export const MAX_INCIDENT_EVENT_IDS = 100;

export interface Incident {
  /** Deterministic (UUID v5 of rule, group key and the crossing), so a replay re-derives it. */
  id: string;
  ruleId: string;
  ruleName: string;
  groupKey: string;
  severity: Severity;
  status: IncidentStatus;
  /** The aggregate's value when the condition became true. */
  value: number;
  aggregate: Aggregate;
  operator: Operator;
  threshold: number;
  windowKind: WindowKind;
  windowSeconds: number;
  windowStart: string;
  windowEnd: string;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** Ids of the events in the window when it fired (newest first, at most MAX_INCIDENT_EVENT_IDS). */
  eventIds: string[];
  /** The rule's channels when it fired: later lifecycle messages go to the same places. */
  channels: ChannelConfig[];
}

/** The value of every record on `notifications` (key = incident id). */
export interface LifecycleMessage {
  kind: LifecycleKind;
  /** When this transition happened, ISO-8601. */
  at: string;
  /** Who caused it: `alerting` for automatic transitions, a user name for the gateway's. */
  actor: string;
  /** The whole incident after the transition. */
  incident: Incident;
  /** Only on `incidents.suppressed`: what was suppressed, in words. */
  summary?: string;
}

/**
 * Headers alerting puts on the lifecycle messages an event batch decided (not on those of the
 * wall-clock tick): where the time between the event and its incident went. Epoch ms, decimal.
 * With the record's own timestamp (when it reached the topic) they split publish-to-incident
 * into its stages.
 */
export const LifecycleTimingHeader = {
  /** When the fetch response holding the deciding event reached alerting. */
  FetchedAt: 'eventmon.fetched-at',
  /** When evaluating the batch ended (it began at the message's `at`); publishing follows. */
  EvaluatedAt: 'eventmon.evaluated-at',
} as const;

/**
 * The incident without the rule's channel list, for anyone but the dispatcher: the list holds
 * webhook URLs (credentials) and recipient addresses. An empty list still decodes as an
 * Incident, so receivers keep one shape.
 */
export const withoutChannels = (incident: Incident): Incident => ({ ...incident, channels: [] });

export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
/** `retrying`: this attempt failed and another follows; `failed`: the last attempt failed. */
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** The value of every record on `notifications.deliveries` (key = incident id): one attempt. */
export interface DeliveryRecord {
  /** Deterministic per (incident, kind, channel index, attempt), so a replay is recognised. */
  id: string;
  incidentId: string;
  ruleId: string;
  kind: LifecycleKind;
  channelType: ChannelType;
  channelIndex: number;
  /** Where it went, with secrets removed (a host name, a recipient count). */
  target: string;
  attempt: number;
  maxAttempts: number;
  outcome: DeliveryOutcome;
  /** HTTP status or SMTP reply code when there was one. */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Sent as the Idempotency-Key header / dedup key where the channel supports one. */
  idempotencyKey: string;
  at: string;
}

import { randomUUID } from 'node:crypto';
import { Message } from 'kafkajs';
import {
  DeliveryRecord,
  Incident,
  IncidentStatus,
  LifecycleKind,
  LifecycleMessage,
} from '@app/contracts';

const KIND_OF: Record<IncidentStatus, LifecycleKind> = {
  open: 'incident.opened',
  acknowledged: 'incident.acknowledged',
  resolved: 'incident.resolved',
};

/** An open incident of a `count > 5 in 60 s` rule, distinct for each index. */
export function openIncident(index: number, openedAt: Date): Incident {
  const windowEnd = openedAt.toISOString();
  return {
    id: randomUUID(),
    ruleId: `payments-${index}`,
    ruleName: `Payment exceptions ${index}`,
    groupKey: `client-${index}`,
    severity: index % 2 === 0 ? 'high' : 'critical',
    status: 'open',
    value: 6 + index + 0.25,
    aggregate: 'count',
    operator: '>',
    threshold: 5,
    windowKind: 'sliding',
    windowSeconds: 60,
    windowStart: new Date(openedAt.getTime() - 60_000).toISOString(),
    windowEnd,
    openedAt: windowEnd,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    eventIds: [randomUUID(), randomUUID()],
    channels: [{ type: 'console' }, { type: 'email', to: [`oncall-${index}@example.com`] }],
  };
}

export function acknowledged(incident: Incident, at: Date, by: string): Incident {
  return {
    ...incident,
    status: 'acknowledged',
    acknowledgedAt: at.toISOString(),
    acknowledgedBy: by,
  };
}

export function resolved(incident: Incident, at: Date, by: string): Incident {
  return { ...incident, status: 'resolved', resolvedAt: at.toISOString(), resolvedBy: by };
}

/**
 * The lifecycle message announcing `incident` as it is after a transition at `at` (by default
 * the time its status was reached).
 */
export function lifecycle(
  incident: Incident,
  at: Date = new Date(transitionTime(incident)),
  actor = 'alerting',
): LifecycleMessage {
  return { kind: KIND_OF[incident.status], at: at.toISOString(), actor, incident };
}

function transitionTime(incident: Incident): string {
  if (incident.status === 'resolved') return incident.resolvedAt!;
  if (incident.status === 'acknowledged') return incident.acknowledgedAt!;
  return incident.openedAt;
}

/** Keyed by incident id, as the alerting service and the gateway publish them. */
export function lifecycleRecord(message: LifecycleMessage): Message {
  return { key: message.incident.id, value: JSON.stringify(message) };
}

export function deliveryRecord(
  incidentId: string,
  attempt: number,
  overrides: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  return {
    id: randomUUID(),
    incidentId,
    ruleId: 'payments-0',
    kind: 'incident.opened',
    channelType: 'webhook',
    channelIndex: attempt % 3,
    target: 'hooks.example.com',
    attempt,
    maxAttempts: 5,
    outcome: attempt < 3 ? 'retrying' : 'delivered',
    statusCode: attempt < 3 ? 503 : 200,
    error: attempt < 3 ? 'HTTP 503 Service Unavailable' : null,
    durationMs: 12.5 + attempt,
    idempotencyKey: `${incidentId}:incident.opened:${attempt % 3}`,
    at: new Date(Date.UTC(2026, 10, 23, 10, 0, attempt)).toISOString(),
    ...overrides,
  };
}

export function deliveryMessage(record: DeliveryRecord): Message {
  return { key: record.incidentId, value: JSON.stringify(record) };
}

/** An `incidents` row read back in the contract's shape, to compare column by column. */
export const INCIDENT_ROW_SQL = `
SELECT id, rule_id AS "ruleId", rule_name AS "ruleName", group_key AS "groupKey", severity,
       status, value, aggregate, operator, threshold, window_kind AS "windowKind",
       window_seconds AS "windowSeconds", window_start AS "windowStart",
       window_end AS "windowEnd", opened_at AS "openedAt", acknowledged_at AS "acknowledgedAt",
       acknowledged_by AS "acknowledgedBy", resolved_at AS "resolvedAt",
       resolved_by AS "resolvedBy", event_ids AS "eventIds", channels, updated_at AS "updatedAt",
       created_at AS "createdAt"
FROM incidents`;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** The row as `{ incident, at }`, timestamps as ISO strings. */
export function incidentFromRow(row: Record<string, unknown>): { incident: Incident; at: string } {
  // created_at is the consumer's own bookkeeping, not part of the contract.
  const { updatedAt, ...columns } = row;
  const incident = Object.fromEntries(
    Object.entries(columns)
      .filter(([name]) => name !== 'createdAt')
      .map(([name, value]) => [name, iso(value)]),
  ) as unknown as Incident;
  return { incident, at: iso(updatedAt) as string };
}

import { Incident, withoutChannels } from '@app/contracts';
import type { IncidentEntity } from '@app/database';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** A stored incident in the contract's shape (the one on `notifications` and in the API). */
export function toIncident(row: IncidentEntity): Incident {
  return {
    id: row.id,
    ruleId: row.ruleId,
    ruleName: row.ruleName,
    groupKey: row.groupKey,
    severity: row.severity,
    status: row.status,
    value: row.value,
    aggregate: row.aggregate,
    operator: row.operator,
    threshold: row.threshold,
    windowKind: row.windowKind,
    windowSeconds: row.windowSeconds,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: iso(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: iso(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    eventIds: row.eventIds,
    channels: row.channels,
  };
}

/**
 * A stored incident as the API shows it, to every role: without the rule's channels, whose
 * webhook URLs are credentials. The channels stay in the table and on `notifications`.
 */
export const toIncidentView = (row: IncidentEntity): Incident => withoutChannels(toIncident(row));

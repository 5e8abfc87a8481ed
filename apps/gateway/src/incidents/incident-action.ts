import { Incident, INCIDENT_STATUS_RANK, LifecycleMessage } from '@app/contracts';

export const INCIDENT_ACTIONS = {
  acknowledge: 'incident.acknowledged',
  resolve: 'incident.resolved',
} as const;
export type IncidentAction = keyof typeof INCIDENT_ACTIONS;

/**
 * What an on-call action does to an incident. Incidents only move forward, so an action the
 * incident is already at or past (acknowledging twice, acknowledging a resolved incident)
 * changes nothing: the caller answers with the current state and publishes nothing, which
 * is what makes a retried request harmless.
 */
export function applyAction(
  incident: Incident,
  action: IncidentAction,
  actor: string,
  at: Date,
): LifecycleMessage | undefined {
  const kind = INCIDENT_ACTIONS[action];
  const status = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  if (INCIDENT_STATUS_RANK[incident.status] >= INCIDENT_STATUS_RANK[status]) return undefined;
  const when = at.toISOString();
  const after: Incident =
    status === 'acknowledged'
      ? { ...incident, status, acknowledgedAt: when, acknowledgedBy: actor }
      : { ...incident, status, resolvedAt: when, resolvedBy: actor };
  return { kind, at: when, actor, incident: after };
}

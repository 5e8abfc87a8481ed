import {
  AlertRule,
  Incident,
  LifecycleMessage,
  MAX_INCIDENT_EVENT_IDS,
  uuidV5,
} from '@app/contracts';
import { Transition } from '@app/engine';
import { IncidentBook } from './incident-book';

export const ALERTING_ACTOR = 'alerting';

export type TrackerDecision =
  | { action: 'publish'; message: LifecycleMessage }
  | {
      action: 'suppressed';
      reason: 'already-open' | 'cooldown' | 'replayed' | 'not-auto-resolved' | 'nothing-open';
    };

/**
 * Turns window transitions into incident lifecycle messages: one incident per crossing,
 * none while one is open for the same rule and key or within the cooldown after the last
 * one was resolved, and an automatic resolution when the condition clears (autoResolve).
 * The book is updated at once, so the next transition already sees the new incident.
 */
export class IncidentTracker {
  constructor(private readonly book: IncidentBook) {}

  decide(rule: AlertRule, transition: Transition, now: Date): TrackerDecision {
    const latest = this.book.latestFor(rule.id, transition.groupKey);
    if (transition.firing) {
      if (latest && latest.status !== 'resolved')
        return { action: 'suppressed', reason: 'already-open' };
      // The same crossing evaluated again (a replica re-read events it had evaluated before a
      // crash) derives the same id: that incident exists already, even if it is resolved.
      if (latest?.id === incidentIdFor(rule.id, transition)) {
        return { action: 'suppressed', reason: 'replayed' };
      }
      if (latest?.resolvedAt) {
        const quietUntil = Date.parse(latest.resolvedAt) + rule.cooldownSeconds * 1000;
        if (now.getTime() < quietUntil) return { action: 'suppressed', reason: 'cooldown' };
      }
      return this.publish('incident.opened', openIncident(rule, transition, now), now);
    }
    if (!latest || latest.status === 'resolved')
      return { action: 'suppressed', reason: 'nothing-open' };
    if (!rule.autoResolve) return { action: 'suppressed', reason: 'not-auto-resolved' };
    const resolved: Incident = {
      ...latest,
      status: 'resolved',
      resolvedAt: now.toISOString(),
      resolvedBy: ALERTING_ACTOR,
    };
    return this.publish('incident.resolved', resolved, now);
  }

  private publish(kind: LifecycleMessage['kind'], incident: Incident, now: Date): TrackerDecision {
    const message: LifecycleMessage = {
      kind,
      at: now.toISOString(),
      actor: ALERTING_ACTOR,
      incident,
    };
    this.book.apply(message);
    return { action: 'publish', message };
  }
}

/**
 * The id is derived from what caused the crossing (the event, or the tick's window end), so
 * a replica that replays the same events after a crash derives the same incident, and every
 * downstream store recognises it.
 */
export function incidentIdFor(ruleId: string, transition: Transition): string {
  const cause =
    transition.cause.kind === 'event'
      ? `event/${transition.cause.eventId}`
      : `tick/${transition.windowEnd}`;
  return uuidV5(`incident/${ruleId}/${transition.groupKey}/${cause}`);
}

function openIncident(rule: AlertRule, transition: Transition, now: Date): Incident {
  return {
    id: incidentIdFor(rule.id, transition),
    ruleId: rule.id,
    ruleName: rule.name,
    groupKey: transition.groupKey,
    severity: rule.severity,
    status: 'open',
    value: transition.value ?? 0,
    aggregate: rule.condition.aggregate,
    operator: rule.condition.operator,
    threshold: rule.condition.threshold,
    windowKind: rule.window.kind,
    windowSeconds: rule.window.seconds,
    windowStart: new Date(transition.windowStart).toISOString(),
    windowEnd: new Date(transition.windowEnd).toISOString(),
    openedAt: now.toISOString(),
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    eventIds: transition.eventIds.slice(0, MAX_INCIDENT_EVENT_IDS),
    channels: rule.channels,
  };
}

import {
  AlertRule,
  Incident,
  LifecycleMessage,
  MAX_INCIDENT_EVENT_IDS,
  SUPPRESSION_NOTICE_KIND,
  uuidV5,
} from '@app/contracts';
import { Transition } from '@app/engine';
import { IncidentBook } from './incident-book';
import { OpeningLimiter } from './opening-limiter';

export const ALERTING_ACTOR = 'alerting';

export type TrackerDecision =
  | { action: 'publish'; message: LifecycleMessage }
  | {
      action: 'suppressed';
      reason:
        | 'already-open'
        | 'cooldown'
        | 'replayed'
        | 'not-auto-resolved'
        | 'nothing-open'
        | 'rate-limited';
      /** With the first `rate-limited` of a rule's minute: the one notice to send instead. */
      notice?: LifecycleMessage;
    };

/**
 * Turns window transitions into incident lifecycle messages: one incident per crossing,
 * none while one is open for the same rule and key or within the cooldown after the last
 * one was resolved, and an automatic resolution when the condition clears (autoResolve).
 * The book is updated at once, so the next transition already sees the new incident.
 * Beyond the limiter's incidents per rule and minute, openings are suppressed, with one
 * `incidents.suppressed` notice to the rule's channels when the limit trips.
 */
export class IncidentTracker {
  constructor(
    private readonly book: IncidentBook,
    private readonly limiter: OpeningLimiter = new OpeningLimiter(Infinity),
  ) {}

  /** Whether an incident of this rule and key is open or acknowledged. */
  hasOpenIncident(ruleId: string, groupKey: string): boolean {
    const latest = this.book.latestFor(ruleId, groupKey);
    return latest !== undefined && latest.status !== 'resolved';
  }

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
      const admission = this.limiter.admit(rule.id, now.getTime());
      if (admission !== 'open') {
        const notice =
          admission === 'trip'
            ? suppressionNotice(rule, this.limiter.limitPerMinute, now)
            : undefined;
        return { action: 'suppressed', reason: 'rate-limited', notice };
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

/**
 * The notice sent once when a rule trips the limit: a stand-in incident naming the rule (no
 * group key; resolved, so nothing waits for an acknowledgement), the minute as its window,
 * and the summary in words. Its id is per rule and minute, so a replay derives the same.
 */
export function suppressionNotice(rule: AlertRule, limit: number, now: Date): LifecycleMessage {
  const until = OpeningLimiter.minuteEnd(now.getTime());
  const at = now.toISOString();
  return {
    kind: SUPPRESSION_NOTICE_KIND,
    at,
    actor: ALERTING_ACTOR,
    summary: `more than ${limit} incidents opened within a minute; further ones are not opened until ${new Date(until).toISOString()}`,
    incident: {
      id: uuidV5(`incidents-suppressed/${rule.id}/${until}`),
      ruleId: rule.id,
      ruleName: rule.name,
      groupKey: '',
      severity: rule.severity,
      status: 'resolved',
      value: limit,
      aggregate: rule.condition.aggregate,
      operator: rule.condition.operator,
      threshold: rule.condition.threshold,
      windowKind: rule.window.kind,
      windowSeconds: rule.window.seconds,
      windowStart: new Date(until - 60_000).toISOString(),
      windowEnd: new Date(until).toISOString(),
      openedAt: at,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: at,
      resolvedBy: ALERTING_ACTOR,
      eventIds: [],
      channels: rule.channels,
    },
  };
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

import { LifecycleKind, LifecycleMessage, Severity } from '@app/contracts';
import { headline } from './notification-summary';
import { truncate } from './text';

const EVENT_ACTION: Readonly<Record<LifecycleKind, 'trigger' | 'acknowledge' | 'resolve'>> = {
  'incident.opened': 'trigger',
  'incident.acknowledged': 'acknowledge',
  'incident.resolved': 'resolve',
  // A storm of incidents is worth one page; its dedup key is the notice's own.
  'incidents.suppressed': 'trigger',
};

/** PagerDuty's four severities; ours map one to one in order. */
const PAGERDUTY_SEVERITY: Readonly<Record<Severity, 'info' | 'warning' | 'error' | 'critical'>> = {
  low: 'info',
  medium: 'warning',
  high: 'error',
  critical: 'critical',
};

/**
 * An Events API v2 event. The dedup key is the incident id, so PagerDuty folds every
 * retry and every later transition of one incident into one PagerDuty incident. Acknowledge
 * and resolve carry no payload: the API documents them as routing key, dedup key and action.
 */
export function pagerDutyEvent(message: LifecycleMessage, routingKey: string) {
  const { incident } = message;
  const action = EVENT_ACTION[message.kind];
  const event = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: incident.id,
    client: 'eventmon',
  };
  if (action !== 'trigger') return event;
  return {
    ...event,
    payload: {
      summary: truncate(headline(message), 1024),
      source: incident.groupKey || incident.ruleId,
      severity: PAGERDUTY_SEVERITY[incident.severity],
      timestamp: incident.openedAt,
      component: incident.ruleId,
      class: `${incident.aggregate} ${incident.operator} ${incident.threshold}`,
      custom_details: {
        rule_id: incident.ruleId,
        rule_name: incident.ruleName,
        group_key: incident.groupKey,
        value: incident.value,
        aggregate: incident.aggregate,
        operator: incident.operator,
        threshold: incident.threshold,
        window: `${incident.windowSeconds} s ${incident.windowKind}`,
        window_start: incident.windowStart,
        window_end: incident.windowEnd,
        trigger_event_ids: incident.eventIds.slice(0, 10),
        trigger_event_count: incident.eventIds.length,
      },
    },
  };
}

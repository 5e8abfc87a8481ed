import { Incident, LifecycleKind, LifecycleMessage, Severity } from '@app/contracts';
import { singleLine } from './text';

/** Shared wording for every channel, so an incident reads the same in email and in chat. */
export const KIND_VERB: Readonly<Record<LifecycleKind, string>> = {
  'incident.opened': 'opened',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
  'incidents.suppressed': 'incidents suppressed',
};

/** Accent colours (RGB) by severity, for channels that colour a message. */
export const SEVERITY_COLOR: Readonly<Record<Severity, number>> = {
  low: 0x2e86de,
  medium: 0xf5a623,
  high: 0xe8590c,
  critical: 0xc0392b,
};

export interface Fact {
  label: string;
  value: string;
}

/** `HIGH opened: <rule name> (<group key>)`: severity first, it decides who reads on. */
export function headline(message: LifecycleMessage): string {
  const { incident } = message;
  // A suppression notice names no group: its summary says what happened instead.
  const detail = message.summary ?? incident.groupKey;
  return singleLine(
    `${incident.severity.toUpperCase()} ${KIND_VERB[message.kind]}: ${incident.ruleName} (${detail})`,
  );
}

export function notificationTitle(message: LifecycleMessage): string {
  return `[eventmon] ${headline(message)}`;
}

/** `count >= 5 over a 60 s sliding window (value 7)`. */
export function conditionText(incident: Incident): string {
  return `${incident.aggregate} ${incident.operator} ${incident.threshold} over a ${incident.windowSeconds} s ${incident.windowKind} window (value ${incident.value})`;
}

export function incidentFacts(message: LifecycleMessage): Fact[] {
  const { incident } = message;
  const facts: Fact[] = [
    { label: 'Rule', value: `${incident.ruleName} (${incident.ruleId})` },
    { label: 'Group', value: incident.groupKey },
    { label: 'Severity', value: incident.severity },
    { label: 'Status', value: incident.status },
    { label: 'Condition', value: conditionText(incident) },
    { label: 'Window', value: `${incident.windowStart} to ${incident.windowEnd}` },
    { label: 'Opened', value: incident.openedAt },
  ];
  if (incident.acknowledgedAt) {
    facts.push({
      label: 'Acknowledged',
      value: `${incident.acknowledgedAt} by ${incident.acknowledgedBy ?? 'unknown'}`,
    });
  }
  if (incident.resolvedAt) {
    facts.push({
      label: 'Resolved',
      value: `${incident.resolvedAt} by ${incident.resolvedBy ?? 'unknown'}`,
    });
  }
  facts.push(
    { label: 'Trigger events', value: String(incident.eventIds.length) },
    { label: 'Incident', value: incident.id },
  );
  return facts.map((fact) => ({ label: fact.label, value: singleLine(fact.value) }));
}

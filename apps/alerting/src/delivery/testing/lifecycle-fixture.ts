import { Incident, LifecycleMessage } from '@app/contracts';

/** A valid lifecycle message (it passes decodeLifecycleMessage), with overridable parts. */
export function lifecycleMessage(
  overrides: Partial<Omit<LifecycleMessage, 'incident'>> & { incident?: Partial<Incident> } = {},
): LifecycleMessage {
  const incident: Incident = {
    id: '7d9f3c1e-2b4a-5c6d-8e9f-0a1b2c3d4e5f',
    ruleId: 'payment-exceptions',
    ruleName: 'Payment exceptions',
    groupKey: 'client-42',
    severity: 'high',
    status: 'open',
    value: 7,
    aggregate: 'count',
    operator: '>=',
    threshold: 5,
    windowKind: 'sliding',
    windowSeconds: 60,
    windowStart: '2025-01-01T10:00:00.000Z',
    windowEnd: '2025-01-01T10:01:00.000Z',
    openedAt: '2025-01-01T10:01:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    eventIds: ['0b6f6f3e-4f7a-5a43-9a57-1f0e2d3c4b5a'],
    channels: [
      { type: 'console' },
      { type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/OTHERCHANNELSECRET' },
      { type: 'email', to: ['oncall@example.com'] },
    ],
    ...overrides.incident,
  };
  return {
    kind: overrides.kind ?? 'incident.opened',
    at: overrides.at ?? '2025-01-01T10:01:00.000Z',
    actor: overrides.actor ?? 'alerting',
    incident,
    ...(overrides.summary === undefined ? {} : { summary: overrides.summary }),
  };
}

import { Incident, LifecycleMessage } from '@app/contracts';

/** A complete, valid incident; override what a test is about. */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: '6f1c2b9e-3d4a-5b6c-8d7e-9f0a1b2c3d4e',
    ruleId: 'payments-per-client',
    ruleName: 'Payment exceptions per client',
    groupKey: 'client-42',
    severity: 'high',
    status: 'open',
    value: 5,
    aggregate: 'count',
    operator: '>=',
    threshold: 5,
    windowKind: 'sliding',
    windowSeconds: 60,
    windowStart: '2026-11-23T10:00:00.000Z',
    windowEnd: '2026-11-23T10:01:00.000Z',
    openedAt: '2026-11-23T10:01:00.050Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    eventIds: ['0a3c6b1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c'],
    channels: [{ type: 'console' }],
    ...overrides,
  };
}

export function lifecycle(
  kind: LifecycleMessage['kind'],
  incident: Incident,
  at = incident.openedAt,
  actor = 'alerting',
): LifecycleMessage {
  return { kind, at, actor, incident };
}

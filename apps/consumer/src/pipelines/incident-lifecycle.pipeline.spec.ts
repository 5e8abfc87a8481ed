import { Registry } from 'prom-client';
import { DeadLetterSource, Incident, LifecycleMessage } from '@app/contracts';
import { NotificationsMetrics } from '../metrics/notifications.metrics';
import { IncidentRepository } from '../repositories/incident.repository';
import { IncidentLifecyclePipeline } from './incident-lifecycle.pipeline';

const incident: Incident = {
  id: '7d7a3f4e-2b8c-4f57-9a1e-3c1d2e4f5a6b',
  ruleId: 'payments',
  ruleName: 'Payment exceptions',
  groupKey: 'client-1',
  severity: 'high',
  status: 'acknowledged',
  value: 7,
  aggregate: 'count',
  operator: '>',
  threshold: 5,
  windowKind: 'sliding',
  windowSeconds: 60,
  windowStart: '2026-11-23T10:00:00.000Z',
  windowEnd: '2026-11-23T10:01:00.000Z',
  openedAt: '2026-11-23T10:01:00.000Z',
  acknowledgedAt: '2026-11-23T10:05:00.000Z',
  acknowledgedBy: 'alice',
  resolvedAt: null,
  resolvedBy: null,
  eventIds: [],
  channels: [{ type: 'console' }],
};

const source = (value: string | null): DeadLetterSource => ({
  topic: 'notifications',
  partition: 0,
  offset: '0',
  timestamp: '0',
  key: null,
  value: value === null ? null : Buffer.from(value),
});

describe('IncidentLifecyclePipeline.decode', () => {
  // decode is pure: the repository is never reached.
  const pipeline = new IncidentLifecyclePipeline(
    undefined as unknown as IncidentRepository,
    new NotificationsMetrics(new Registry()),
  );
  const message = (kind: LifecycleMessage['kind']): LifecycleMessage => ({
    kind,
    at: '2026-11-23T10:05:00.000Z',
    actor: 'alice',
    incident,
  });

  it('turns a lifecycle message into the incident and the time of its transition', () => {
    expect(pipeline.decode(source(JSON.stringify(message('incident.acknowledged'))))).toEqual({
      ok: true,
      row: { incident, at: '2026-11-23T10:05:00.000Z' },
    });
  });

  it('accepts a suppression notice without making it an incident row', () => {
    const notice: LifecycleMessage = {
      ...message('incidents.suppressed'),
      incident: { ...incident, status: 'resolved' },
      summary: 'more than 20 incidents opened in a minute',
    };
    expect(pipeline.decode(source(JSON.stringify(notice)))).toEqual({ ok: true, row: null });
  });

  it('refuses a message whose kind contradicts the incident status', () => {
    expect(pipeline.decode(source(JSON.stringify(message('incident.opened'))))).toEqual({
      ok: false,
      reasons: ['"kind" incident.opened requires "incident.status" open, got acknowledged'],
    });
  });

  it("passes on the contract decoder's reasons", () => {
    const result = pipeline.decode(source('{"kind":"incident.closed"}'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^"kind" must be one of incident.opened, /),
        expect.stringMatching(/^"incident" must be an object/),
      ]),
    );
    expect(pipeline.decode(source(null))).toEqual({
      ok: false,
      reasons: ['notification is empty (null value)'],
    });
  });
});

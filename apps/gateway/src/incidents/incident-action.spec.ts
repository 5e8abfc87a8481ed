import { decodeLifecycleMessage, Incident } from '@app/contracts';
import { applyAction } from './incident-action';

const AT = new Date('2026-11-23T10:00:00.000Z');
const incident: Incident = {
  id: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
  ruleId: 'r1',
  ruleName: 'rule one',
  groupKey: 'client-1',
  severity: 'high',
  status: 'open',
  value: 5,
  aggregate: 'count',
  operator: '>=',
  threshold: 5,
  windowKind: 'sliding',
  windowSeconds: 60,
  windowStart: '2026-11-23T09:59:00.000Z',
  windowEnd: '2026-11-23T10:00:00.000Z',
  openedAt: '2026-11-23T09:59:30.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  eventIds: [],
  channels: [{ type: 'console' }],
};

describe('applyAction', () => {
  it('acknowledges an open incident with who and when, in a message the other services accept', () => {
    const message = applyAction(incident, 'acknowledge', 'admin:abc', AT)!;
    expect(message.kind).toBe('incident.acknowledged');
    expect(message.incident).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: AT.toISOString(),
      acknowledgedBy: 'admin:abc',
    });
    const decoded = decodeLifecycleMessage(Buffer.from(JSON.stringify(message)));
    expect(decoded.ok).toBe(true);
  });

  it('resolves open and acknowledged incidents', () => {
    expect(applyAction(incident, 'resolve', 'a', AT)?.incident.status).toBe('resolved');
    const acked = { ...incident, status: 'acknowledged' as const };
    expect(applyAction(acked, 'resolve', 'a', AT)?.incident.resolvedBy).toBe('a');
  });

  it('changes nothing when the incident is already there or past it', () => {
    expect(
      applyAction({ ...incident, status: 'acknowledged' }, 'acknowledge', 'a', AT),
    ).toBeUndefined();
    expect(
      applyAction({ ...incident, status: 'resolved' }, 'acknowledge', 'a', AT),
    ).toBeUndefined();
    expect(applyAction({ ...incident, status: 'resolved' }, 'resolve', 'a', AT)).toBeUndefined();
  });
});

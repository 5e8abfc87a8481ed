import { lifecycle, sampleIncident } from '../../../../test/support/incidents';
import { IncidentBook } from './incident-book';

describe('IncidentBook', () => {
  const opened = sampleIncident();
  const acknowledged = {
    ...opened,
    status: 'acknowledged' as const,
    acknowledgedAt: '2026-11-23T10:02:00.000Z',
    acknowledgedBy: 'alice',
  };
  const resolved = {
    ...acknowledged,
    status: 'resolved' as const,
    resolvedAt: '2026-11-23T10:03:00.000Z',
    resolvedBy: 'alerting',
  };

  it('follows an incident forward and counts it active until resolved', () => {
    const book = new IncidentBook();
    expect(book.apply(lifecycle('incident.opened', opened))).toEqual(opened);
    expect(book.activeCount()).toBe(1);
    expect(book.apply(lifecycle('incident.acknowledged', acknowledged))?.status).toBe(
      'acknowledged',
    );
    expect(book.get(opened.id)?.acknowledgedBy).toBe('alice');
    expect(book.apply(lifecycle('incident.resolved', resolved))?.status).toBe('resolved');
    expect(book.activeCount()).toBe(0);
    expect(book.latestFor(opened.ruleId, opened.groupKey)?.status).toBe('resolved');
  });

  it('never moves an incident backwards when a message is read twice or late', () => {
    const book = new IncidentBook();
    book.apply(lifecycle('incident.opened', opened));
    book.apply(lifecycle('incident.resolved', resolved));
    expect(book.apply(lifecycle('incident.acknowledged', acknowledged))).toBeNull();
    expect(book.apply(lifecycle('incident.opened', opened))).toBeNull();
    expect(book.latestFor(opened.ruleId, opened.groupKey)?.status).toBe('resolved');
    expect(book.activeCount()).toBe(0);
  });

  it('keeps the newest incident per rule and key, ignoring news of older ones', () => {
    const book = new IncidentBook();
    const older = sampleIncident({
      id: '11111111-1111-4111-8111-111111111111',
      openedAt: '2026-11-23T09:00:00.000Z',
      status: 'resolved',
      resolvedAt: '2026-11-23T09:05:00.000Z',
    });
    book.apply(lifecycle('incident.opened', opened));
    expect(book.apply(lifecycle('incident.resolved', older))).toBeNull();
    expect(book.latestFor(opened.ruleId, opened.groupKey)?.id).toBe(opened.id);
    const other = sampleIncident({
      id: '22222222-2222-4222-8222-222222222222',
      groupKey: 'client-7',
    });
    book.apply(lifecycle('incident.opened', other));
    expect(book.latestFor(other.ruleId, 'client-7')?.id).toBe(other.id);
    expect(book.activeCount()).toBe(2);
  });

  it('forgets the resolved incidents it is told are stale, never an unresolved one', () => {
    const book = new IncidentBook();
    const active = sampleIncident({ id: '33333333-3333-4333-8333-333333333333', groupKey: 'k-1' });
    book.apply(lifecycle('incident.opened', opened));
    book.apply(lifecycle('incident.resolved', resolved));
    book.apply(lifecycle('incident.opened', active));
    expect(book.forgetResolved(() => false)).toBe(0);
    expect(book.forgetResolved(() => true)).toBe(1);
    expect(book.latestFor(opened.ruleId, opened.groupKey)).toBeUndefined();
    expect(book.latestFor(active.ruleId, 'k-1')?.id).toBe(active.id);
    expect(book.activeCount()).toBe(1);
  });
});

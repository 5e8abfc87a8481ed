import { decodeRule } from '@app/contracts';
import { Backtest } from './backtest';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const rule = (overrides: Record<string, unknown> = {}) => {
  const decoded = decodeRule({
    id: 'r',
    name: 'r',
    match: { types: ['payment.exception'] },
    window: { kind: 'sliding', seconds: 60 },
    condition: { aggregate: 'count', operator: '>=', threshold: 5 },
    cooldownSeconds: 0,
    ...overrides,
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join());
  return decoded.rule;
};
const event = (n: number, source: string, at: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'payment.exception',
  source,
  severity: 'high' as const,
  occurredAt: at,
  value: null,
  payload: null,
});

describe('Backtest', () => {
  it('opens one incident for 5 events of one source in 60 s, none for a source with 4', () => {
    const backtest = new Backtest(rule(), T0);
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 + i * 1000));
    const { incidents } = backtest.finish(T0 + 3_600_000);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      groupKey: 'a',
      value: 5,
      openedAt: new Date(T0 + 4000).toISOString(),
    });
    expect(incidents[0].eventIds).toHaveLength(5);
    // Auto-resolved once the window slid past the events.
    expect(incidents[0].resolvedAt).not.toBeNull();
    expect(backtest.eventsScanned).toBe(9);
  });

  it('honours forSeconds: an incident only where the condition held that long', () => {
    const backtest = new Backtest(rule({ forSeconds: 30 }), T0);
    // Source a: 5 events in 4 s, held until they leave the 60 s window at 60 s.
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    // Source b: 5 events, but 4 of them leave the window 20 s after it began to hold.
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 - 40_000 + i * 1000));
    backtest.offer(event(14, 'b', T0 + 19_000));
    // The backtest ticks at event times: this one evaluates both keys 34 s after a held.
    backtest.offer(event(20, 'c', T0 + 34_000));
    const { incidents } = backtest.finish(T0 + 3_600_000);
    expect(incidents.map((incident) => incident.groupKey)).toEqual(['a']);
    expect(incidents[0].openedAt).toBe(new Date(T0 + 34_000).toISOString());
  });

  it('without forSeconds the same events open at once, for both sources', () => {
    const backtest = new Backtest(rule(), T0);
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 - 40_000 + i * 1000));
    backtest.offer(event(14, 'b', T0 + 19_000));
    const { incidents } = backtest.finish(T0 + 3_600_000);
    expect(incidents.map((incident) => incident.groupKey).sort()).toEqual(['a', 'b']);
  });

  it('fires a "fewer than" rule on silence, as the live tick does', () => {
    const backtest = new Backtest(
      rule({
        condition: { aggregate: 'count', operator: '<', threshold: 1 },
        match: { types: ['payment.exception'], sources: ['a'] },
      }),
      T0,
    );
    backtest.offer(event(1, 'a', T0));
    backtest.offer(event(2, 'a', T0 + 10 * 60_000));
    const { incidents } = backtest.finish(T0 + 11 * 60_000);
    expect(incidents.length).toBeGreaterThanOrEqual(1);
    expect(incidents[0].groupKey).toBe('a');
  });

  it('honours the cooldown after an incident resolved', () => {
    const backtest = new Backtest(rule({ cooldownSeconds: 3600 }), T0);
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 5; i++) backtest.offer(event(10 + i, 'a', T0 + 600_000 + i * 1000));
    expect(backtest.finish(T0 + 3_600_000).incidents).toHaveLength(1);
  });

  it('lists the first incidents only and counts the rest, resolved ones included', () => {
    const backtest = new Backtest(
      rule({ condition: { aggregate: 'count', operator: '>=', threshold: 1 } }),
      T0,
      3,
    );
    for (let i = 0; i < 7; i++) backtest.offer(event(i, `source-${i}`, T0 + i * 1000));
    const result = backtest.finish(T0 + 3_600_000);
    expect(result.incidents.map((incident) => incident.groupKey)).toEqual([
      'source-0',
      'source-1',
      'source-2',
    ]);
    expect(result.truncated).toBe(true);
    expect(result.counts).toEqual({ incidents: 7, resolved: 7, open: 0 });
  });

  it('is not truncated when every incident is listed', () => {
    const backtest = new Backtest(rule(), T0, 3);
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    expect(backtest.finish(T0 + 30_000)).toMatchObject({
      truncated: false,
      counts: { incidents: 1, resolved: 0, open: 1 },
    });
  });

  it('tracks at most maxKeys group keys at once and counts the events it refuses', () => {
    const backtest = new Backtest(
      rule({ condition: { aggregate: 'count', operator: '>=', threshold: 1 } }),
      T0,
      1000,
      3,
    );
    for (let i = 0; i < 10; i++) backtest.offer(event(i, `source-${i}`, T0 + i));
    const result = backtest.finish(T0 + 10);
    expect(result.counts.incidents).toBe(3);
    expect(result.refusedEvents).toBe(7);
  });
});

import { decodeRule } from '@app/contracts';
import { Backtest, BacktestResult } from './backtest';

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
    const backtest = new Backtest(rule(), { from: T0, to: T0 + 3_600_000 });
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 + i * 1000));
    const { incidents } = backtest.finish();
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
    const backtest = new Backtest(rule({ forSeconds: 30 }), { from: T0, to: T0 + 3_600_000 });
    // Source a: 5 events in 4 s, held until they leave the 60 s window at 60 s.
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    // Source b: 5 events, but 4 of them leave the window 20 s after it began to hold.
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 - 40_000 + i * 1000));
    backtest.offer(event(14, 'b', T0 + 19_000));
    // The backtest ticks at event times: this one evaluates both keys 34 s after a held.
    backtest.offer(event(20, 'c', T0 + 34_000));
    const { incidents } = backtest.finish();
    expect(incidents.map((incident) => incident.groupKey)).toEqual(['a']);
    expect(incidents[0].openedAt).toBe(new Date(T0 + 34_000).toISOString());
  });

  it('without forSeconds the same events open at once, for both sources', () => {
    const backtest = new Backtest(rule(), { from: T0, to: T0 + 3_600_000 });
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 4; i++) backtest.offer(event(10 + i, 'b', T0 - 40_000 + i * 1000));
    backtest.offer(event(14, 'b', T0 + 19_000));
    const { incidents } = backtest.finish();
    expect(incidents.map((incident) => incident.groupKey).sort()).toEqual(['a', 'b']);
  });

  it('fires a "fewer than" rule on silence, as the live tick does', () => {
    const backtest = new Backtest(
      rule({
        condition: { aggregate: 'count', operator: '<', threshold: 1 },
        match: { types: ['payment.exception'], sources: ['a'] },
      }),
      { from: T0, to: T0 + 11 * 60_000 },
    );
    backtest.offer(event(1, 'a', T0));
    backtest.offer(event(2, 'a', T0 + 10 * 60_000));
    const { incidents } = backtest.finish();
    expect(incidents.length).toBeGreaterThanOrEqual(1);
    expect(incidents[0].groupKey).toBe('a');
  });

  it('honours the cooldown after an incident resolved', () => {
    const backtest = new Backtest(rule({ cooldownSeconds: 3600 }), {
      from: T0,
      to: T0 + 3_600_000,
    });
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    for (let i = 0; i < 5; i++) backtest.offer(event(10 + i, 'a', T0 + 600_000 + i * 1000));
    expect(backtest.finish().incidents).toHaveLength(1);
  });

  it('lists the first incidents only and counts the rest, resolved ones included', () => {
    const backtest = new Backtest(
      rule({ condition: { aggregate: 'count', operator: '>=', threshold: 1 } }),
      { from: T0, to: T0 + 3_600_000 },
      3,
    );
    for (let i = 0; i < 7; i++) backtest.offer(event(i, `source-${i}`, T0 + i * 1000));
    const result = backtest.finish();
    expect(result.incidents.map((incident) => incident.groupKey)).toEqual([
      'source-0',
      'source-1',
      'source-2',
    ]);
    expect(result.truncated).toBe(true);
    expect(result.counts).toEqual({ incidents: 7, resolved: 7, open: 0 });
  });

  it('is not truncated when every incident is listed', () => {
    const backtest = new Backtest(rule(), { from: T0, to: T0 + 30_000 }, 3);
    for (let i = 0; i < 5; i++) backtest.offer(event(i, 'a', T0 + i * 1000));
    expect(backtest.finish()).toMatchObject({
      truncated: false,
      counts: { incidents: 1, resolved: 0, open: 1 },
    });
  });

  it('tracks at most maxKeys group keys at once and counts the events it refuses', () => {
    const backtest = new Backtest(
      rule({ condition: { aggregate: 'count', operator: '>=', threshold: 1 } }),
      { from: T0, to: T0 + 10 },
      1000,
      3,
    );
    for (let i = 0; i < 10; i++) backtest.offer(event(i, `source-${i}`, T0 + i));
    const result = backtest.finish();
    expect(result.counts.incidents).toBe(3);
    expect(result.refusedEvents).toBe(7);
  });

  describe('series', () => {
    const at = (offset: number) => new Date(T0 + offset).toISOString();
    const pointAt = (result: BacktestResult, offset: number) =>
      result.series.points.find((point) => point.at === at(offset));

    it('samples the busiest key at each bucket end, crossing the threshold where the incident opens', () => {
      // An hour: 15 s buckets, 240 points.
      const backtest = new Backtest(rule(), { from: T0, to: T0 + 3_600_000 });
      for (let i = 0; i < 3; i++) backtest.offer(event(i, 'b', T0 + 1000 + i * 1000));
      for (let i = 0; i < 5; i++) backtest.offer(event(10 + i, 'a', T0 + 16_000 + i * 1000));
      const result = backtest.finish();
      expect(result.series.bucketSeconds).toBe(15);
      expect(result.series.points).toHaveLength(240);
      expect(result.series.points.at(-1)!.at).toBe(at(3_600_000));
      expect(pointAt(result, 15_000)).toEqual({ at: at(15_000), value: 3, groupKey: 'b' });
      // The incident opened at 20 s, inside the first bucket whose value reaches 5.
      expect(result.incidents[0].openedAt).toBe(at(20_000));
      expect(pointAt(result, 30_000)).toEqual({ at: at(30_000), value: 5, groupKey: 'a' });
      // At 75 s a's events are still within the 60 s window; at 90 s none of anyone's is.
      expect(pointAt(result, 75_000)).toEqual({ at: at(75_000), value: 5, groupKey: 'a' });
      expect(pointAt(result, 90_000)).toEqual({ at: at(90_000), value: null, groupKey: null });
    });

    it('counts an event at a bucket end in that bucket', () => {
      const backtest = new Backtest(rule(), { from: T0, to: T0 + 3_600_000 });
      backtest.offer(event(1, 'a', T0 + 15_000));
      backtest.offer(event(2, 'a', T0 + 15_001));
      const result = backtest.finish();
      expect(pointAt(result, 15_000)).toMatchObject({ value: 1, groupKey: 'a' });
      expect(pointAt(result, 30_000)).toMatchObject({ value: 2, groupKey: 'a' });
    });

    it('shows the quietest key of a "fewer than" rule, 0 once its window is empty', () => {
      const backtest = new Backtest(
        rule({ condition: { aggregate: 'count', operator: '<', threshold: 2 } }),
        { from: T0, to: T0 + 3_600_000 },
      );
      // a keeps sending every 10 s; b sends twice at the start, then goes quiet.
      backtest.offer(event(100, 'b', T0 + 1000));
      backtest.offer(event(101, 'b', T0 + 2000));
      for (let i = 0; i < 30; i++) backtest.offer(event(i, 'a', T0 + 5000 + i * 10_000));
      const result = backtest.finish();
      expect(pointAt(result, 15_000)).toMatchObject({ value: 2, groupKey: 'a' });
      expect(pointAt(result, 45_000)).toMatchObject({ value: 2, groupKey: 'b' });
      // b's events leave the window at 61 and 62 s: its count falls below 2, then to 0.
      expect(pointAt(result, 75_000)).toEqual({ at: at(75_000), value: 0, groupKey: 'b' });
      const opened = result.incidents.find((incident) => incident.groupKey === 'b');
      expect(Date.parse(opened!.openedAt)).toBeGreaterThan(T0 + 60_000);
      expect(Date.parse(opened!.openedAt)).toBeLessThanOrEqual(T0 + 75_000);
    });

    it('follows a tumbling window: the sum so far in its bucket, nothing right at a new bucket', () => {
      const backtest = new Backtest(
        rule({
          window: { kind: 'tumbling', seconds: 60 },
          condition: { aggregate: 'sum', operator: '>', threshold: 10 },
        }),
        { from: T0, to: T0 + 3_600_000 },
      );
      const valued = (n: number, offset: number, value: number) => ({
        ...event(n, 'a', T0 + offset),
        value,
      });
      backtest.offer(valued(1, 5_000, 4));
      backtest.offer(valued(2, 20_000, 4));
      backtest.offer(valued(3, 40_000, 4));
      backtest.offer(valued(4, 65_000, 1));
      const result = backtest.finish();
      expect(pointAt(result, 15_000)).toMatchObject({ value: 4 });
      expect(pointAt(result, 30_000)).toMatchObject({ value: 8 });
      expect(pointAt(result, 45_000)).toMatchObject({ value: 12, groupKey: 'a' });
      // 60 s starts a new bucket: at that instant it holds no event yet.
      expect(pointAt(result, 60_000)).toEqual({ at: at(60_000), value: null, groupKey: null });
      expect(pointAt(result, 75_000)).toMatchObject({ value: 1 });
      expect(result.incidents.map((incident) => incident.openedAt)).toEqual([at(40_000)]);
    });

    it('gives null for avg with no value in any window, and the whole-rule key of groupBy none', () => {
      const backtest = new Backtest(
        rule({ groupBy: 'none', condition: { aggregate: 'avg', operator: '>', threshold: 10 } }),
        { from: T0, to: T0 + 120_000 },
      );
      backtest.offer({ ...event(1, 'a', T0 + 1000), value: 30 });
      backtest.offer({ ...event(2, 'a', T0 + 50_000), value: null });
      const result = backtest.finish();
      expect(result.series.bucketSeconds).toBe(1);
      expect(result.series.points[0]).toEqual({ at: at(1000), value: 30, groupKey: '*' });
      expect(pointAt(result, 30_000)).toEqual({ at: at(30_000), value: 30, groupKey: '*' });
      // At 100 s the window holds the event without a value only: no average.
      expect(pointAt(result, 100_000)).toEqual({ at: at(100_000), value: null, groupKey: null });
    });
  });
});

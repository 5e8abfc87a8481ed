import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

const W = 60_000;

/** Offers one event at T0 + offset, with the wall clock at the same instant. */
function offerAt(engine: AlertEngine, offset: number, source = 'api') {
  const event = makeEvent({ occurredAt: T0 + offset, source });
  return { event, ...engine.offer(event, T0 + offset) };
}

describe('AlertEngine, sliding count window (t - W, t]', () => {
  let engine: AlertEngine;
  beforeEach(() => {
    engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ condition: { operator: '>', threshold: 2 } }), T0 - HOUR);
  });

  it('excludes an event exactly W before the evaluation instant', () => {
    offerAt(engine, 0);
    offerAt(engine, 1);
    expect(offerAt(engine, W).transitions).toEqual([]);
    const { event, transitions } = offerAt(engine, W);
    expect(transitions).toEqual([
      {
        ruleId: 'rule-1',
        groupKey: 'api',
        firing: true,
        value: 3,
        windowStart: T0,
        windowEnd: T0 + W,
        eventIds: [event.id, expect.any(String), expect.any(String)],
        cause: { kind: 'event', eventId: event.id },
      },
    ]);
  });

  it('includes an event W - 1 ms before the evaluation instant', () => {
    const first = offerAt(engine, 1).event;
    offerAt(engine, 2);
    const { transitions } = offerAt(engine, W);
    expect(transitions).toHaveLength(1);
    expect(transitions[0].eventIds).toContain(first.id);
    expect(transitions[0].windowStart).toBe(T0);
  });

  it('clears at the tick whose instant pushes the oldest event out, not a ms earlier', () => {
    offerAt(engine, 0);
    offerAt(engine, 10);
    offerAt(engine, 20);
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    expect(engine.tick(T0 + W)).toEqual([
      {
        ruleId: 'rule-1',
        groupKey: 'api',
        firing: false,
        value: 2,
        windowStart: T0,
        windowEnd: T0 + W,
        eventIds: [],
        cause: { kind: 'tick' },
      },
    ]);
  });

  it('rejects as late an event at or before clock - W, accepts one a ms later', () => {
    offerAt(engine, W);
    expect(engine.offer(makeEvent({ occurredAt: T0 }), T0 + W).outcomes).toEqual([
      { ruleId: 'rule-1', outcome: 'late' },
    ]);
    expect(engine.offer(makeEvent({ occurredAt: T0 + 1 }), T0 + W).outcomes).toEqual([
      { ruleId: 'rule-1', outcome: 'applied' },
    ]);
  });

  it('counts out-of-order events inside the window and reports ids newest first', () => {
    const c = offerAt(engine, 30).event;
    const a = engine.offer(makeEvent({ occurredAt: T0 + 10 }), T0 + 30);
    const b = makeEvent({ occurredAt: T0 + 20 });
    const { transitions } = engine.offer(b, T0 + 30);
    expect(a.outcomes[0].outcome).toBe('applied');
    expect(transitions[0].eventIds).toEqual([c.id, b.id, expect.any(String)]);
    expect(transitions[0].windowEnd).toBe(T0 + 30);
  });

  it('keeps threshold + 1 timestamps and reports the count capped there', () => {
    for (let i = 0; i < 50; i++) offerAt(engine, i);
    expect(engine.stats().stateEntries).toBe(3);
    // Still firing while the newest 3 are in the window, whatever happened to the other 47.
    expect(engine.tick(T0 + W + 46)).toEqual([]);
    const [cleared] = engine.tick(T0 + W + 47);
    expect(cleared).toMatchObject({ firing: false, value: 2 });
  });
});

describe('AlertEngine, sliding count: silence, completeness and operators', () => {
  it('fires "fewer than 1 event" on silence once the window is complete, and clears on an event', () => {
    const engine = new AlertEngine(OPTIONS);
    const rule = makeRule({ groupBy: 'none', condition: { operator: '<', threshold: 1 } });
    engine.setRule(rule, T0);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    expect(engine.tick(T0 + W)).toEqual([
      {
        ruleId: 'rule-1',
        groupKey: '*',
        firing: true,
        value: 0,
        windowStart: T0,
        windowEnd: T0 + W,
        eventIds: [],
        cause: { kind: 'tick' },
      },
    ]);
    const event = makeEvent({ occurredAt: T0 + W + 10 });
    expect(engine.offer(event, T0 + W + 10).transitions).toEqual([
      expect.objectContaining({
        firing: false,
        value: 1,
        cause: { kind: 'event', eventId: event.id },
      }),
    ]);
    expect(engine.tick(T0 + 2 * W + 9)).toEqual([]);
    expect(engine.tick(T0 + 2 * W + 10)).toEqual([
      expect.objectContaining({ firing: true, value: 0, windowStart: T0 + W + 10 }),
    ]);
  });

  it('judges a non-monotone condition false until the window starts at or after `since`', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ condition: { operator: '==', threshold: 2 } }), T0);
    offerAt(engine, 1);
    expect(offerAt(engine, 2).transitions).toEqual([]);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    expect(engine.tick(T0 + W)).toEqual([
      expect.objectContaining({ firing: true, value: 2, windowStart: T0, cause: { kind: 'tick' } }),
    ]);
  });

  it('trusts a monotone condition (count >=) on an incomplete window', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ condition: { operator: '>=', threshold: 2 } }), T0);
    offerAt(engine, 1);
    expect(offerAt(engine, 2).transitions).toEqual([
      expect.objectContaining({ firing: true, value: 2, windowStart: T0 + 2 - W }),
    ]);
  });

  it('reports a capped count when a complete window already holds more than the threshold', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ condition: { operator: '!=', threshold: 2 } }), T0);
    const ids = Array.from({ length: 10 }, (_, i) => offerAt(engine, i + 1).event.id);
    const [fired] = engine.tick(T0 + W);
    expect(fired).toMatchObject({ firing: true, value: 3 });
    expect(fired.eventIds).toEqual(ids.slice(-3).reverse());
  });
});

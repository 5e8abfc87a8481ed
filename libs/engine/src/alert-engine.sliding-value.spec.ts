import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

function offerValue(engine: AlertEngine, offset: number, value: number | null, wall = offset) {
  const event = makeEvent({ occurredAt: T0 + offset, value });
  return { event, ...engine.offer(event, T0 + wall) };
}

describe('AlertEngine, sliding sum/avg/min/max over slots', () => {
  // 60 s divides by 3: 60 slots of 1000 ms. T0 starts a slot.
  const sumOver10 = makeRule({ condition: { aggregate: 'sum', operator: '>', threshold: 10 } });

  it('covers the n slots ending with the one holding t, the oldest slot included', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(sumOver10, T0 - HOUR);
    offerValue(engine, 0, 6);
    const { transitions } = offerValue(engine, 59_999, 5);
    expect(transitions).toEqual([
      expect.objectContaining({ firing: true, value: 11, windowStart: T0, windowEnd: T0 + 59_999 }),
    ]);
  });

  it('drops a whole slot at its boundary, whatever the ms inside it', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(sumOver10, T0 - HOUR);
    offerValue(engine, 999, 11);
    expect(engine.tick(T0 + 59_999)).toEqual([]);
    expect(engine.tick(T0 + 60_000)).toEqual([
      expect.objectContaining({
        firing: false,
        value: 0,
        windowStart: T0 + 1000,
        windowEnd: T0 + 60_000,
      }),
    ]);
  });

  it('uses 50 slots when the seconds do not divide by 3 (10 s: 200 ms slots)', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ ...sumOver10, window: { kind: 'sliding', seconds: 10 } }), T0 - HOUR);
    offerValue(engine, 199, 11);
    expect(engine.tick(T0 + 9_999)).toEqual([]);
    expect(engine.tick(T0 + 10_000)).toEqual([
      expect.objectContaining({ firing: false, windowStart: T0 + 200, windowEnd: T0 + 10_000 }),
    ]);
  });

  it('rejects as late an event whose slot left the window, accepts the next slot', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(sumOver10, T0 - HOUR);
    offerValue(engine, 60_000, 1);
    expect(offerValue(engine, 999, 1, 60_000).outcomes).toEqual([
      { ruleId: 'rule-1', outcome: 'late' },
    ]);
    expect(offerValue(engine, 1000, 1, 60_000).outcomes).toEqual([
      { ruleId: 'rule-1', outcome: 'applied' },
    ]);
  });

  it('ignores null values: avg/min/max of none are undefined (reported null, never firing)', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(
      makeRule({ groupBy: 'none', condition: { aggregate: 'avg', operator: '<', threshold: 5 } }),
      T0 - HOUR,
    );
    expect(offerValue(engine, 0, null).transitions).toEqual([]);
    expect(offerValue(engine, 1, 2).transitions).toEqual([
      expect.objectContaining({ firing: true, value: 2 }),
    ]);
    expect(offerValue(engine, 2, 10).transitions).toEqual([
      expect.objectContaining({ firing: false, value: 6 }),
    ]);
    // Once the valued events leave, the average is undefined: the condition cannot hold.
    expect(engine.tick(T0 + 60_000)).toEqual([]);
  });

  it('computes min and max over the slots in the window', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(
      makeRule({ id: 'max', condition: { aggregate: 'max', operator: '>=', threshold: 9 } }),
      T0 - HOUR,
    );
    engine.setRule(
      makeRule({ id: 'min', condition: { aggregate: 'min', operator: '<=', threshold: -1 } }),
      T0 - HOUR,
    );
    offerValue(engine, 0, 9);
    offerValue(engine, 30_000, -1);
    expect(engine.firingKeys('max')).toEqual(['api']);
    expect(engine.firingKeys('min')).toEqual(['api']);
    // At 60 s the slot holding the 9 leaves; the -1 stays.
    expect(engine.tick(T0 + 60_000)).toEqual([
      expect.objectContaining({ ruleId: 'max', firing: false, value: -1 }),
    ]);
  });

  it('reports at most the 20 newest ids', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ condition: { aggregate: 'sum', operator: '>', threshold: 99 } }), T0);
    const ids = Array.from({ length: 30 }, (_, i) => offerValue(engine, i * 10, 4).event.id);
    const { transitions } = offerValue(engine, 400, 4);
    expect(transitions).toEqual([]); // sum is 124, but the window started before `since`
    const [fired] = engine.tick(T0 + 59_000);
    expect(fired).toMatchObject({ firing: true, value: 124, windowStart: T0 });
    expect(fired.eventIds).toHaveLength(20);
    expect(fired.eventIds[1]).toBe(ids[29]);
    expect(fired.eventIds[19]).toBe(ids[11]);
  });
});

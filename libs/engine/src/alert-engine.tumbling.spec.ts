import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, RuleOverrides, T0 } from './testing/fixtures';

const W = 60_000;
const tumbling = (condition: RuleOverrides['condition']) =>
  makeRule({ window: { kind: 'tumbling', seconds: 60 }, condition });

function offerAt(engine: AlertEngine, offset: number, value: number | null = null) {
  const event = makeEvent({ occurredAt: T0 + offset, value });
  return { event, ...engine.offer(event, T0 + offset) };
}

describe('AlertEngine, tumbling window [bucket start, t]', () => {
  it('counts only the current bucket: the ms before its start belongs to the last one', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(tumbling({ operator: '>=', threshold: 3 }), T0 - HOUR);
    offerAt(engine, -2);
    offerAt(engine, -1);
    offerAt(engine, 0);
    expect(offerAt(engine, 1).transitions).toEqual([]);
    const { event, transitions } = offerAt(engine, W - 1);
    expect(transitions).toEqual([
      {
        ruleId: 'rule-1',
        groupKey: 'api',
        firing: true,
        value: 3,
        windowStart: T0,
        windowEnd: T0 + W - 1,
        eventIds: [event.id, expect.any(String), expect.any(String)],
        cause: { kind: 'event', eventId: event.id },
      },
    ]);
  });

  it('empties at the bucket end', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(tumbling({ operator: '>=', threshold: 1 }), T0 - HOUR);
    offerAt(engine, 0);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    expect(engine.tick(T0 + W)).toEqual([
      expect.objectContaining({ firing: false, value: 0, windowStart: T0 + W, windowEnd: T0 + W }),
    ]);
  });

  it('rejects as late an event before the current bucket, accepts one at its start', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(tumbling({ operator: '>', threshold: 5 }), T0 - HOUR);
    offerAt(engine, 10);
    expect(engine.offer(makeEvent({ occurredAt: T0 - 1 }), T0 + 10).outcomes[0].outcome).toBe(
      'late',
    );
    expect(engine.offer(makeEvent({ occurredAt: T0 }), T0 + 10).outcomes[0].outcome).toBe(
      'applied',
    );
  });

  it('counts exactly (no cap) and sums values in the bucket', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(tumbling({ operator: '==', threshold: 7 }), T0 - HOUR);
    engine.setRule(
      { ...tumbling({ aggregate: 'sum', operator: '>', threshold: 15 }), id: 'sum' },
      T0 - HOUR,
    );
    for (let i = 0; i < 6; i++) offerAt(engine, i, 3);
    const { transitions } = offerAt(engine, 6, null);
    expect(transitions).toEqual([
      expect.objectContaining({ ruleId: 'rule-1', firing: true, value: 7 }),
    ]);
    expect(engine.firingKeys('sum')).toEqual(['api']);
    expect(offerAt(engine, 7, 1).transitions).toEqual([
      expect.objectContaining({ ruleId: 'rule-1', firing: false, value: 8 }),
    ]);
  });

  it('is complete from the first bucket starting at or after `since`', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(tumbling({ operator: '<', threshold: 2 }), T0 + 1);
    offerAt(engine, 5);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    offerAt(engine, W);
    expect(engine.tick(T0 + W)).toEqual([]); // already judged at the event: 1 < 2, complete
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
  });

  it('fires a "fewer than" rule at the first complete bucket on silence', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule({ ...tumbling({ operator: '<', threshold: 1 }), groupBy: 'none' }, T0 + 1);
    expect(engine.tick(T0 + W - 1)).toEqual([]);
    expect(engine.tick(T0 + W)).toEqual([
      expect.objectContaining({ groupKey: '*', firing: true, value: 0, windowStart: T0 + W }),
    ]);
  });
});

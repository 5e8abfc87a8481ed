import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

const SECOND = 1000;

describe('AlertEngine, keys per rule capped (maxKeysPerRule)', () => {
  it('refuses events for new keys beyond the cap while existing keys keep working', () => {
    const engine = new AlertEngine({ ...OPTIONS, maxKeysPerRule: 3 });
    engine.setRule(makeRule({ condition: { operator: '>=', threshold: 2 } }), T0 - HOUR);
    const offer = (source: string, at = T0) =>
      engine.offer(makeEvent({ source, occurredAt: at }), at);
    for (const source of ['a', 'b', 'c']) {
      expect(offer(source).outcomes).toEqual([{ ruleId: 'rule-1', outcome: 'applied' }]);
    }
    expect(offer('d').outcomes).toEqual([{ ruleId: 'rule-1', outcome: 'refused' }]);
    expect(engine.stats().keys).toBe(3);
    // An existing key still fires.
    const second = offer('a', T0 + 1);
    expect(second.outcomes).toEqual([{ ruleId: 'rule-1', outcome: 'applied' }]);
    expect(second.transitions).toMatchObject([{ groupKey: 'a', firing: true }]);
    expect(engine.keysByRule()).toEqual(new Map([['rule-1', 3]]));
  });

  it('counts the cap per rule, and takes new keys again once old ones are forgotten', () => {
    const engine = new AlertEngine({ ...OPTIONS, maxKeysPerRule: 2 });
    engine.setRule(makeRule({ id: 'one' }), T0 - HOUR);
    engine.setRule(makeRule({ id: 'two', match: { sources: ['x', 'y', 'z'] } }), T0 - HOUR);
    const outcomes = (source: string, at: number) =>
      engine.offer(makeEvent({ source, occurredAt: at }), at).outcomes.map((o) => o.outcome);
    expect(outcomes('a', T0)).toEqual(['applied']);
    expect(outcomes('b', T0)).toEqual(['applied']);
    expect(outcomes('c', T0)).toEqual(['refused']);
    expect(outcomes('x', T0)).toEqual(['refused', 'applied']);
    expect(outcomes('y', T0)).toEqual(['refused', 'applied']);
    expect(outcomes('z', T0)).toEqual(['refused', 'refused']);
    // The windows (60 s) empty: every key goes, so new ones fit again.
    engine.tick(T0 + 60 * SECOND);
    expect(engine.stats().keys).toBe(0);
    expect(engine.takeEvictedKeys()).toEqual(
      new Map([
        ['one', 2],
        ['two', 2],
      ]),
    );
    expect(engine.takeEvictedKeys()).toEqual(new Map());
    expect(outcomes('c', T0 + 61 * SECOND)).toEqual(['applied']);
  });

  it('rejects a cap that is not a whole number >= 1', () => {
    expect(() => new AlertEngine({ ...OPTIONS, maxKeysPerRule: 0 })).toThrow(
      'engine option maxKeysPerRule must be a whole number >= 1, got 0',
    );
    expect(() => new AlertEngine({ ...OPTIONS, maxKeysPerRule: Infinity })).not.toThrow();
  });
});

describe('AlertEngine, firing keys with an empty window (holdsFiringKey)', () => {
  // "fewer than 2 events in 60 s" by source: fires on silence, for each source seen.
  const fewer = makeRule({ condition: { operator: '<', threshold: 2 } });

  function silentSources(holds?: (ruleId: string, key: string) => boolean) {
    const engine = new AlertEngine({ ...OPTIONS, holdsFiringKey: holds });
    engine.setRule(fewer, T0 - HOUR);
    for (const source of ['a', 'b']) {
      const result = engine.offer(makeEvent({ source, occurredAt: T0 }), T0);
      expect(result.transitions).toMatchObject([{ groupKey: source, firing: true }]);
    }
    return engine;
  }

  it('keeps them until the idle TTL when the caller holds every key (the default)', () => {
    const engine = silentSources();
    expect(engine.tick(T0 + 60 * SECOND)).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual(['a', 'b']);
    engine.tick(T0 + HOUR);
    expect(engine.firingKeys('rule-1')).toEqual(['a', 'b']);
    engine.tick(T0 + HOUR + 60 * SECOND + 1);
    expect(engine.stats().keys).toBe(0);
  });

  it('forgets, without a transition, the keys without an open incident once their window is empty', () => {
    const engine = silentSources((_, key) => key === 'a');
    expect(engine.tick(T0 + 30 * SECOND)).toEqual([]);
    expect(engine.stats().keys).toBe(2);
    expect(engine.tick(T0 + 60 * SECOND)).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual(['a']);
    expect(engine.takeEvictedKeys()).toEqual(new Map([['rule-1', 1]]));
    // A returning source starts as a new key, and fires again on its silence.
    const back = engine.offer(
      makeEvent({ source: 'b', occurredAt: T0 + 61 * SECOND }),
      T0 + 61 * SECOND,
    );
    expect(back.transitions).toMatchObject([{ groupKey: 'b', firing: true }]);
  });

  it('asks only after the caller has seen the firing transition of a tick', () => {
    const asked: string[] = [];
    const engine = new AlertEngine({
      ...OPTIONS,
      holdsFiringKey: (_, key) => {
        asked.push(key);
        return false;
      },
    });
    // Set at T0: its window is complete at T0 + 60 s, when the silent key starts to fire.
    engine.setRule(fewer, T0);
    engine.offer(makeEvent({ source: 'a', occurredAt: T0 }), T0);
    const fired = engine.tick(T0 + 60 * SECOND);
    expect(fired).toMatchObject([{ groupKey: 'a', firing: true }]);
    expect(asked).toEqual([]);
    expect(engine.stats().keys).toBe(1);
    expect(engine.tick(T0 + 60 * SECOND + 200)).toEqual([]);
    expect(asked).toEqual(['a']);
    expect(engine.stats().keys).toBe(0);
  });

  it('never lets go of the * key of a groupBy: none rule', () => {
    const engine = new AlertEngine({ ...OPTIONS, holdsFiringKey: () => false });
    engine.setRule({ ...fewer, groupBy: 'none' }, T0 - HOUR);
    expect(engine.tick(T0)).toMatchObject([{ groupKey: '*', firing: true }]);
    engine.tick(T0 + 60 * SECOND);
    expect(engine.firingKeys('rule-1')).toEqual(['*']);
  });
});

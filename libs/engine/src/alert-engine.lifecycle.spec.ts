import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

describe('AlertEngine, event outcomes and the clock', () => {
  it('ignores an event stamped beyond wall time + maxFutureSkewMs, and creates no key for it', () => {
    const engine = new AlertEngine({ ...OPTIONS, maxFutureSkewMs: 1000 });
    engine.setRule(makeRule(), T0 - HOUR);
    expect(engine.offer(makeEvent({ occurredAt: T0 + 1001 }), T0).outcomes).toEqual([
      { ruleId: 'rule-1', outcome: 'future' },
    ]);
    expect(engine.stats().keys).toBe(0);
    expect(engine.offer(makeEvent({ occurredAt: T0 + 1000 }), T0).outcomes[0].outcome).toBe(
      'applied',
    );
  });

  it('gives ticks a grace period: the floor is wallNow - graceMs, so a key clock never lags it', () => {
    const engine = new AlertEngine({ ...OPTIONS, graceMs: 5000 });
    engine.setRule(makeRule({ window: { kind: 'sliding', seconds: 1 } }), T0 - HOUR);
    engine.tick(T0 + 10_000);
    // Floor T0 + 5000: a new key's window ends there, so T0 + 4000 is exactly W too old.
    expect(
      engine.offer(makeEvent({ occurredAt: T0 + 4000 }), T0 + 10_000).outcomes[0].outcome,
    ).toBe('late');
    expect(
      engine.offer(makeEvent({ occurredAt: T0 + 4001 }), T0 + 10_000).outcomes[0].outcome,
    ).toBe('applied');
  });

  it('waits for the grace before moving a window on silence', () => {
    const engine = new AlertEngine({ ...OPTIONS, graceMs: 5000 });
    engine.setRule(makeRule({ condition: { operator: '>=', threshold: 1 } }), T0 - HOUR);
    engine.offer(makeEvent({ occurredAt: T0 }), T0);
    expect(engine.tick(T0 + 60_000 + 4999)).toEqual([]);
    expect(engine.tick(T0 + 60_000 + 5000)).toEqual([
      expect.objectContaining({ firing: false, windowEnd: T0 + 60_000 }),
    ]);
  });

  it('never moves the floor back when wall time goes backwards', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule(), T0 - HOUR);
    engine.tick(T0 + 120_000);
    engine.tick(T0);
    expect(
      engine.offer(makeEvent({ occurredAt: T0 + 60_000 }), T0 + 120_000).outcomes[0].outcome,
    ).toBe('late');
  });
});

describe('AlertEngine, matching and keys', () => {
  it('matches globs and groups by a payload path, with "(missing)" for events without it', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(
      makeRule({
        match: { types: ['payment.*'] },
        groupBy: 'payload.client.id',
        condition: { operator: '>=', threshold: 1 },
      }),
      T0 - HOUR,
    );
    engine.offer(
      makeEvent({ type: 'payment.card.declined', payload: { client: { id: 'c1' } } }),
      T0,
    );
    engine.offer(makeEvent({ type: 'payment.exception', payload: { client: {} } }), T0);
    expect(engine.offer(makeEvent({ type: 'login.failed' }), T0).outcomes).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual(['(missing)', 'c1']);
  });

  it('checks sources and minimum severity', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ match: { sources: ['api'], minSeverity: 'high' } }), T0 - HOUR);
    expect(engine.offer(makeEvent({ source: 'web' }), T0).outcomes).toEqual([]);
    expect(engine.offer(makeEvent({ severity: 'medium' }), T0).outcomes).toEqual([]);
    expect(engine.offer(makeEvent({ severity: 'critical' }), T0).outcomes).toHaveLength(1);
  });

  it('forgets a key once it is indistinguishable from a new one', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ window: { kind: 'sliding', seconds: 1 } }), T0 - HOUR);
    for (const source of ['a', 'b', 'c']) engine.offer(makeEvent({ source }), T0);
    expect(engine.stats()).toEqual({ rules: 1, keys: 3, stateEntries: 3 });
    engine.tick(T0 + 999);
    expect(engine.stats().keys).toBe(3);
    engine.tick(T0 + 1000);
    expect(engine.stats()).toEqual({ rules: 1, keys: 0, stateEntries: 0 });
  });

  it('drops a firing key whose source went quiet past the idle TTL, without a transition', () => {
    const engine = new AlertEngine({ ...OPTIONS, idleKeyTtlMs: 10_000 });
    engine.setRule(
      makeRule({
        window: { kind: 'sliding', seconds: 1 },
        condition: { operator: '<', threshold: 1 },
      }),
      T0 - HOUR,
    );
    engine.offer(makeEvent({ occurredAt: T0 }), T0);
    expect(engine.tick(T0 + 1000)).toEqual([expect.objectContaining({ firing: true, value: 0 })]);
    expect(engine.tick(T0 + 10_000)).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
    expect(engine.tick(T0 + 10_001)).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual([]);
    expect(engine.stats().keys).toBe(0);
    // The source is back: a fresh key, not firing, so nothing is reported.
    expect(engine.offer(makeEvent({ occurredAt: T0 + 20_000 }), T0 + 20_000).transitions).toEqual(
      [],
    );
  });

  it('never drops the "*" key of a groupBy none rule', () => {
    const engine = new AlertEngine({ ...OPTIONS, idleKeyTtlMs: 0 });
    engine.setRule(
      makeRule({
        groupBy: 'none',
        window: { kind: 'sliding', seconds: 1 },
        condition: { threshold: 5 },
      }),
      T0 - HOUR,
    );
    engine.offer(makeEvent({ occurredAt: T0 }), T0);
    engine.tick(T0 + HOUR);
    expect(engine.stats().keys).toBe(1);
  });

  it('reports a tick’s transitions in rule insertion order, then key order', () => {
    const engine = new AlertEngine(OPTIONS);
    const fewer = {
      window: { kind: 'sliding' as const, seconds: 1 },
      condition: { operator: '<' as const, threshold: 1 },
    };
    engine.setRule(makeRule({ id: 'zeta', ...fewer }), T0 - HOUR);
    engine.setRule(makeRule({ id: 'alpha', ...fewer }), T0 - HOUR);
    for (const source of ['b', 'c', 'a']) engine.offer(makeEvent({ source }), T0);
    const order = engine.tick(T0 + 1000).map((t) => `${t.ruleId}/${t.groupKey}`);
    expect(order).toEqual(['zeta/a', 'zeta/b', 'zeta/c', 'alpha/a', 'alpha/b', 'alpha/c']);
  });
});

describe('AlertEngine, rule changes', () => {
  const countOver2 = makeRule({ condition: { operator: '>', threshold: 2 } });

  function fireOnApi(engine: AlertEngine) {
    for (let i = 0; i < 3; i++) engine.offer(makeEvent({ occurredAt: T0 + i }), T0 + i);
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
  }

  it('keeps all state when only presentation fields change', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(countOver2, T0 - HOUR);
    fireOnApi(engine);
    engine.setRule({ ...countOver2, name: 'renamed', severity: 'critical' }, T0 + 10);
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
    expect(engine.tick(T0 + 10)).toEqual([]);
    expect(engine.stats().stateEntries).toBe(3);
  });

  it('starts over on a condition change, carrying firing keys so the next tick can clear them', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(countOver2, T0 - HOUR);
    fireOnApi(engine);
    engine.setRule(
      { ...countOver2, condition: { ...countOver2.condition, threshold: 10 } },
      T0 + 10,
    );
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
    expect(engine.stats().stateEntries).toBe(0);
    expect(engine.tick(T0 + 10)).toEqual([
      expect.objectContaining({
        groupKey: 'api',
        firing: false,
        value: 0,
        cause: { kind: 'tick' },
      }),
    ]);
  });

  it('has no keys and matches nothing while disabled; deleteRule forgets everything', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(countOver2, T0 - HOUR);
    fireOnApi(engine);
    engine.setRule({ ...countOver2, enabled: false }, T0);
    expect(engine.firingKeys('rule-1')).toEqual([]);
    expect(engine.offer(makeEvent(), T0).outcomes).toEqual([]);
    expect(engine.stats()).toEqual({ rules: 1, keys: 0, stateEntries: 0 });
    engine.setRule(countOver2, T0);
    engine.deleteRule('rule-1');
    expect(engine.offer(makeEvent(), T0).outcomes).toEqual([]);
    expect(engine.stats().rules).toBe(0);
  });

  it('clear() drops window state and the floor but keeps rules', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(countOver2, T0 - HOUR);
    fireOnApi(engine);
    engine.tick(T0 + HOUR);
    engine.clear();
    expect(engine.stats()).toEqual({ rules: 1, keys: 0, stateEntries: 0 });
    expect(engine.offer(makeEvent({ occurredAt: T0 }), T0 + HOUR).outcomes[0].outcome).toBe(
      'applied',
    );
  });
});

describe('AlertEngine, bad input', () => {
  it('throws a clear error for a non-finite time instead of poisoning the clock', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule(), T0);
    expect(() => engine.offer(makeEvent({ occurredAt: NaN }), T0)).toThrow(
      'event.occurredAt must be a finite number of epoch milliseconds, got NaN',
    );
    expect(() => engine.tick(Infinity)).toThrow('wallNow must be a finite number');
  });

  it('rejects options and rules it cannot evaluate', () => {
    expect(() => new AlertEngine({ ...OPTIONS, graceMs: -1 })).toThrow(
      'graceMs must be a finite number >= 0',
    );
    const engine = new AlertEngine(OPTIONS);
    expect(() => engine.setRule(makeRule({ window: { seconds: 1.5 } }), T0)).toThrow(
      'window.seconds must be a whole number >= 1',
    );
  });
});

describe('AlertEngine, a tick spread over several calls', () => {
  it('gives the same transitions in bounded chunks as in one call', () => {
    const build = () => {
      const engine = new AlertEngine(OPTIONS);
      engine.setRule(makeRule({ condition: { operator: '>=', threshold: 1 } }), T0 - HOUR);
      for (let i = 0; i < 250; i++) {
        engine.offer(makeEvent({ source: `s-${i}`, occurredAt: T0 + i }), T0 + i);
      }
      return engine;
    };
    const whole = build().tick(T0 + HOUR);
    expect(whole).toHaveLength(250);

    const chunked = build();
    const pieces = [chunked.tick(T0 + HOUR, 100)];
    expect(pieces[0]).toHaveLength(100);
    while (chunked.hasDueKeys()) pieces.push(chunked.tick(T0 + HOUR, 100));
    expect(pieces.map((p) => p.length)).toEqual([100, 100, 50]);
    const byKey = (list: typeof whole) =>
      [...list].sort((a, b) => (a.groupKey < b.groupKey ? -1 : 1));
    expect(byKey(pieces.flat())).toEqual(byKey(whole));
    expect(chunked.stats().keys).toBe(0);
  });
});

describe('AlertEngine, rule activation', () => {
  const countAtLeast2 = makeRule({ condition: { operator: '>=', threshold: 2 } });

  it('never counts an event that occurred before the rule was activated', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule({ ...countAtLeast2, activeFrom: new Date(T0).toISOString() }, T0 - HOUR);
    expect(engine.offer(makeEvent({ occurredAt: T0 - 1 }), T0).outcomes).toEqual([]);
    expect(engine.offer(makeEvent({ occurredAt: T0 }), T0).transitions).toEqual([]);
    expect(engine.offer(makeEvent({ occurredAt: T0 + 1 }), T0 + 1).transitions).toEqual([
      expect.objectContaining({ firing: true, value: 2 }),
    ]);
  });

  it('starts over when the activation changes, and says when a rule starts over', () => {
    const engine = new AlertEngine(OPTIONS);
    expect(engine.setRule(countAtLeast2, T0 - HOUR)).toBe(true);
    expect(engine.setRule({ ...countAtLeast2, name: 'renamed' }, T0)).toBe(false);
    engine.offer(makeEvent({ occurredAt: T0 }), T0);
    expect(engine.stats().stateEntries).toBe(1);
    const activeFrom = new Date(T0 + 10).toISOString();
    expect(engine.setRule({ ...countAtLeast2, activeFrom }, T0 + 10)).toBe(true);
    expect(engine.stats().stateEntries).toBe(0);
    expect(engine.setRule({ ...countAtLeast2, activeFrom, enabled: false }, T0 + 10)).toBe(false);
  });

  it('evaluates an event for the given rules alone when asked (a rule catching up)', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(countAtLeast2, T0 - HOUR);
    engine.setRule({ ...countAtLeast2, id: 'rule-2' }, T0 - HOUR);
    expect(engine.offer(makeEvent(), T0, new Set(['rule-2'])).outcomes).toEqual([
      { ruleId: 'rule-2', outcome: 'applied' },
    ]);
  });
});

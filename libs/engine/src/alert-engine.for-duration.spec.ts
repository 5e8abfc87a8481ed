import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, RuleOverrides, T0 } from './testing/fixtures';

const S = 1000;

function engineWith(overrides: RuleOverrides): AlertEngine {
  const engine = new AlertEngine(OPTIONS);
  engine.setRule(makeRule(overrides), T0 - HOUR);
  return engine;
}

function offerAt(engine: AlertEngine, offset: number, source = 'api') {
  const event = makeEvent({ occurredAt: T0 + offset, source });
  return { event, ...engine.offer(event, T0 + offset) };
}

/** Condition: more than 0 events in a 60 s sliding window, held for 10 s. */
const held = (extra: RuleOverrides = {}): RuleOverrides => ({
  forSeconds: 10,
  condition: { aggregate: 'count', operator: '>', threshold: 0 },
  ...extra,
});

describe('AlertEngine, forSeconds (pending before firing)', () => {
  it('fires exactly forSeconds after the condition began to hold, at a tick, with no new event', () => {
    const engine = engineWith(held());
    const first = offerAt(engine, 0);
    expect(first.transitions).toEqual([]);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(1);
    expect(engine.tick(T0 + 10 * S - 1)).toEqual([]);
    expect(engine.firingKeys('rule-1')).toEqual([]);
    expect(engine.tick(T0 + 10 * S)).toEqual([
      {
        ruleId: 'rule-1',
        groupKey: 'api',
        firing: true,
        value: 1,
        windowStart: T0 + 10 * S - 60 * S,
        windowEnd: T0 + 10 * S,
        eventIds: [first.event.id],
        cause: { kind: 'tick' },
      },
    ]);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(0);
    expect(engine.firingKeys('rule-1')).toEqual(['api']);
  });

  it('fires on an event that brings the clock to forSeconds, reporting the newest ids', () => {
    const engine = engineWith(held());
    offerAt(engine, 0);
    expect(offerAt(engine, 9 * S).transitions).toEqual([]);
    const { event, transitions } = offerAt(engine, 10 * S);
    expect(transitions).toEqual([
      expect.objectContaining({
        firing: true,
        windowEnd: T0 + 10 * S,
        // A sliding count keeps threshold + 1 timestamps: it reports at most that many.
        value: 1,
        cause: { kind: 'event', eventId: event.id },
      }),
    ]);
    expect(transitions[0].eventIds[0]).toBe(event.id);
  });

  it('does not fire when the condition clears at forSeconds - 1 s, and restarts the timer', () => {
    // A 9 s window: the event at 0 leaves it at 9 s, one second before forSeconds is over.
    const engine = engineWith(held({ window: { kind: 'sliding', seconds: 9 } }));
    offerAt(engine, 0);
    expect(engine.tick(T0 + 9 * S)).toEqual([]);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(0);
    expect(engine.tick(T0 + 30 * S)).toEqual([]);
    // Holding again: the 10 s count from the new event, not from the first one.
    offerAt(engine, 31 * S);
    expect(engine.tick(T0 + 41 * S)).toEqual([]);
    // The event at 31 s left the 9 s window at 40 s: it never held 10 s.
    expect(engine.firingKeys('rule-1')).toEqual([]);
    offerAt(engine, 50 * S);
    offerAt(engine, 55 * S);
    expect(engine.tick(T0 + 60 * S - 1)).toEqual([]);
    expect(engine.tick(T0 + 60 * S)).toEqual([
      expect.objectContaining({ firing: true, windowEnd: T0 + 60 * S }),
    ]);
  });

  it('resolves without waiting, and pends again from scratch after the clear', () => {
    const engine = engineWith(held({ window: { kind: 'sliding', seconds: 20 } }));
    offerAt(engine, 0);
    expect(engine.tick(T0 + 10 * S)).toEqual([expect.objectContaining({ firing: true })]);
    expect(engine.tick(T0 + 20 * S)).toEqual([
      expect.objectContaining({ firing: false, windowEnd: T0 + 20 * S }),
    ]);
    offerAt(engine, 25 * S);
    expect(engine.tick(T0 + 35 * S - 1)).toEqual([]);
    expect(engine.tick(T0 + 35 * S)).toEqual([
      expect.objectContaining({ firing: true, windowEnd: T0 + 35 * S }),
    ]);
  });

  it('tumbling: fires inside the bucket once the condition held forSeconds', () => {
    const engine = engineWith(held({ window: { kind: 'tumbling', seconds: 60 } }));
    offerAt(engine, 45 * S);
    expect(engine.tick(T0 + 55 * S - 1)).toEqual([]);
    expect(engine.tick(T0 + 55 * S)).toEqual([
      expect.objectContaining({ firing: true, windowStart: T0, windowEnd: T0 + 55 * S }),
    ]);
  });

  it('tumbling: a bucket end that clears the condition ends the pending state', () => {
    const engine = engineWith(held({ window: { kind: 'tumbling', seconds: 60 } }));
    offerAt(engine, 55 * S);
    expect(engine.tick(T0 + 60 * S)).toEqual([]);
    // The key's clock is then at least the floor: an event at 61 s offered after a tick at
    // 65 s is evaluated at 65 s, so it pends from there.
    expect(engine.tick(T0 + 65 * S)).toEqual([]);
    offerAt(engine, 61 * S);
    expect(engine.tick(T0 + 71 * S)).toEqual([]);
    expect(engine.tick(T0 + 75 * S - 1)).toEqual([]);
    expect(engine.tick(T0 + 75 * S)).toEqual([
      expect.objectContaining({ firing: true, windowStart: T0 + 60 * S, windowEnd: T0 + 75 * S }),
    ]);
  });

  it('groupBy none with "<": an empty window pends and fires with no event at all', () => {
    const engine = new AlertEngine(OPTIONS);
    const rule = makeRule({
      groupBy: 'none',
      forSeconds: 30,
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '<', threshold: 1 },
    });
    engine.setRule(rule, T0);
    // Complete at T0 + 60 s: pending from there, firing 30 s later.
    expect(engine.tick(T0 + 60 * S)).toEqual([]);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(1);
    expect(engine.tick(T0 + 90 * S - 1)).toEqual([]);
    expect(engine.tick(T0 + 90 * S)).toEqual([
      expect.objectContaining({ groupKey: '*', firing: true, value: 0, eventIds: [] }),
    ]);
  });

  it('"<" per source: a pending key with an empty window is not evicted before it fires', () => {
    const engine = new AlertEngine({ ...OPTIONS, idleKeyTtlMs: 5 * S });
    engine.setRule(
      makeRule({
        forSeconds: 20,
        window: { kind: 'sliding', seconds: 10 },
        condition: { aggregate: 'count', operator: '<', threshold: 2 },
      }),
      T0 - HOUR,
    );
    offerAt(engine, 0);
    // Pending from the event; the window empties at 10 s, the idle TTL runs out at 5 s.
    expect(engine.tick(T0 + 15 * S)).toEqual([]);
    expect(engine.keysByRule().get('rule-1')).toBe(1);
    expect(engine.tick(T0 + 20 * S)).toEqual([expect.objectContaining({ firing: true, value: 0 })]);
  });

  it('a change of forSeconds starts the rule over: the pending timer is reset', () => {
    const engine = engineWith(held());
    offerAt(engine, 0);
    engine.setRule(makeRule(held({ forSeconds: 20 })), T0 + 5 * S);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(0);
    expect(engine.tick(T0 + 10 * S)).toEqual([]);
    offerAt(engine, 12 * S);
    expect(engine.tick(T0 + 31 * S)).toEqual([]);
    expect(engine.tick(T0 + 32 * S)).toEqual([
      expect.objectContaining({ firing: true, windowEnd: T0 + 32 * S }),
    ]);
  });

  it('forSeconds 0 fires on the event that makes the condition hold, as without it', () => {
    const engine = engineWith(held({ forSeconds: 0 }));
    expect(offerAt(engine, 0).transitions).toEqual([expect.objectContaining({ firing: true })]);
    expect(engine.pendingKeysByRule().get('rule-1')).toBe(0);
  });
});

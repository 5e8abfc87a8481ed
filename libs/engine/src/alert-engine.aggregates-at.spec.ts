import { AGGREGATES, OPERATORS, RuleCondition } from '@app/contracts';
import { AlertEngine } from './alert-engine';
import { Transition } from './engine-types';
import { makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';
import { Prng } from './testing/prng';

const WINDOWS = [
  { kind: 'sliding', seconds: 60 },
  { kind: 'tumbling', seconds: 60 },
] as const;

/** A replay in time order, ticked before each event as the gateway's backtest does it. */
function replay(condition: RuleCondition, kind: 'sliding' | 'tumbling', sampleEveryMs: number) {
  const engine = new AlertEngine(OPTIONS);
  const rule = makeRule({ window: { kind, seconds: 60 }, condition });
  engine.setRule(rule, T0);
  const random = new Prng(42);
  const transitions: Transition[] = [];
  const sampled: number[] = [];
  let nextSample = T0 + sampleEveryMs;
  let at = T0;
  for (let i = 0; i < 300; i++) {
    at += random.int(0, 9_000);
    while (nextSample < at) {
      engine.aggregatesAt(rule.id, nextSample, (_key, value) => sampled.push(value ?? NaN));
      nextSample += sampleEveryMs;
    }
    const event = makeEvent({
      id: `event-${i}`,
      occurredAt: at,
      source: random.pick(['a', 'b', 'c']),
      value: random.chance(0.2) ? null : random.int(0, 10),
    });
    transitions.push(...engine.tick(at));
    transitions.push(...engine.offer(event, at).transitions);
  }
  transitions.push(...engine.tick(at + 120_000));
  return { transitions, sampled };
}

describe('AlertEngine.aggregatesAt', () => {
  it('changes no transition of a replay in time order, for every window kind, aggregate and operator', () => {
    let compared = 0;
    for (const { kind } of WINDOWS) {
      for (const aggregate of AGGREGATES) {
        for (const operator of OPERATORS) {
          const condition = { aggregate, operator, threshold: aggregate === 'count' ? 3 : 5 };
          const plain = replay(condition, kind, Number.MAX_SAFE_INTEGER);
          const sampled = replay(condition, kind, 7_000);
          expect(sampled.sampled.length).toBeGreaterThan(100);
          expect(sampled.transitions).toEqual(plain.transitions);
          compared += plain.transitions.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("reports each key's aggregate over its window at t, without judging it", () => {
    const engine = new AlertEngine(OPTIONS);
    const rule = makeRule({ condition: { aggregate: 'count', operator: '>', threshold: 5 } });
    engine.setRule(rule, T0);
    for (const [source, offset] of [
      ['a', 0],
      ['a', 10_000],
      ['b', 20_000],
    ] as const) {
      engine.offer(makeEvent({ source, occurredAt: T0 + offset }), T0 + offset);
    }
    const seen = (t: number) => {
      const found: Array<[string, number | undefined, boolean]> = [];
      engine.aggregatesAt(rule.id, t, (...entry) => found.push(entry));
      return found;
    };
    expect(seen(T0 + 30_000)).toEqual([
      ['a', 2, false],
      ['b', 1, false],
    ]);
    // 65 s: a's first event has left the 60 s window.
    expect(seen(T0 + 65_000)).toEqual([
      ['a', 1, false],
      ['b', 1, false],
    ]);
    expect(seen(T0 + 90_000)).toEqual([
      ['a', 0, true],
      ['b', 0, true],
    ]);
    expect(engine.firingKeys(rule.id)).toEqual([]);
  });
});

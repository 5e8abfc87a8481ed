import { AlertRule } from '@app/contracts';
import { AlertEngine } from './alert-engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

/** 100,000 events on one key, 10 per ms of a 60 s window, ticking every second. */
function flood(rule: AlertRule): number {
  const engine = new AlertEngine(OPTIONS);
  engine.setRule(rule, T0 - HOUR);
  let largest = 0;
  for (let i = 0; i < 100_000; i++) {
    const at = T0 + Math.floor(i * 1.7);
    engine.offer(makeEvent({ id: `e${i}`, occurredAt: at, value: i % 7 }), at);
    if (i % 1000 === 0) {
      engine.tick(at);
      largest = Math.max(largest, engine.stats().stateEntries);
    }
  }
  return Math.max(largest, engine.stats().stateEntries);
}

describe('AlertEngine, memory per key does not grow with the event rate', () => {
  it('sliding count keeps threshold + 1 timestamps', () => {
    expect(flood(makeRule({ condition: { operator: '>', threshold: 500 } }))).toBe(501);
  });

  it('sliding sum keeps at most 60 slots and 20 ids', () => {
    const entries = flood(
      makeRule({ condition: { aggregate: 'sum', operator: '>', threshold: 1 } }),
    );
    expect(entries).toBeLessThanOrEqual(60 + 20);
    expect(entries).toBeGreaterThanOrEqual(60);
  });

  it('tumbling keeps one accumulator and the newest ids', () => {
    const window = { kind: 'tumbling' as const, seconds: 60 };
    expect(
      flood(makeRule({ window, condition: { aggregate: 'max', operator: '>', threshold: 1 } })),
    ).toBe(21);
    expect(flood(makeRule({ window, condition: { operator: '>', threshold: 500 } }))).toBe(101);
  });

  it('forgets 100,000 keys as their windows empty', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(makeRule({ window: { kind: 'sliding', seconds: 1 } }), T0 - HOUR);
    for (let i = 0; i < 100_000; i++)
      engine.offer(makeEvent({ source: `s${i}`, occurredAt: T0 + (i % 500) }), T0 + 500);
    expect(engine.stats().keys).toBe(100_000);
    engine.tick(T0 + 1249);
    expect(engine.stats().keys).toBe(50_000);
    engine.tick(T0 + 1500);
    expect(engine.stats()).toEqual({ rules: 1, keys: 0, stateEntries: 0 });
  });

  it('counts its window arrays, and gives them up with the rule', () => {
    const engine = new AlertEngine(OPTIONS);
    const rule = makeRule({
      window: { kind: 'sliding', seconds: 60 },
      condition: { operator: '>', threshold: 10 },
    });
    engine.setRule(rule, T0 - HOUR);
    for (let i = 0; i < 1000; i++)
      engine.offer(makeEvent({ source: `s${i}`, occurredAt: T0 + i }), T0 + 1000);
    // Each key's block holds its 4 clocks, 4 times and 4 packed ids (2 numbers each: four
    // 32-bit words); the chunks, doubling, hold at most twice that.
    const blocks = 1000 * (4 + 4 + 4 * 2) * 8;
    expect(engine.windowArrayBytes()).toBeGreaterThanOrEqual(blocks);
    expect(engine.windowArrayBytes()).toBeLessThanOrEqual(2 * blocks);
    engine.deleteRule(rule.id);
    expect(engine.windowArrayBytes()).toBe(0);
  });

  it('shares its arrays among rules: many rules of a few keys each hold no more than one rule', () => {
    const engine = new AlertEngine(OPTIONS);
    const condition = { operator: '>' as const, threshold: 10 };
    const rules = Array.from({ length: 100 }, (_, i) => makeRule({ id: `rule-${i}`, condition }));
    for (const rule of rules) engine.setRule(rule, T0 - HOUR);
    // Every rule matches both events: 200 keys, 2 a rule. A chunk per rule (256 numbers at
    // least) would hold eight times their blocks.
    for (const source of ['s0', 's1']) engine.offer(makeEvent({ source, occurredAt: T0 }), T0);
    expect(engine.stats().keys).toBe(200);
    const blocks = 200 * (4 + 4 + 4 * 2) * 8;
    expect(engine.windowArrayBytes()).toBeGreaterThanOrEqual(blocks);
    expect(engine.windowArrayBytes()).toBeLessThanOrEqual(2 * blocks);
    for (const rule of rules) engine.deleteRule(rule.id);
    expect(engine.windowArrayBytes()).toBe(0);
  });
});

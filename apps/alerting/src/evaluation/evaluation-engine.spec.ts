import { makeEvent, makeRule, T0 } from '@app/engine/testing/fixtures';
import { evaluationEngine } from './evaluation-engine';

const config = { graceMs: 0, maxFutureSkewMs: 1000, keyIdleTtlMs: 3_600_000, maxKeysPerRule: 2 };

describe('evaluationEngine', () => {
  it('evaluates every rule in force, within the configured key cap and future skew', () => {
    const rules = [makeRule({ id: 'a' }), makeRule({ id: 'b' })];
    const engine = evaluationEngine(config, rules, T0 - 60_000, () => true);
    expect(engine.stats().rules).toBe(2);
    const offer = (source: string, occurredAt = T0) =>
      engine.offer(makeEvent({ source, occurredAt }), T0).outcomes.map((o) => o.outcome);
    expect(offer('one')).toEqual(['applied', 'applied']);
    expect(offer('two')).toEqual(['applied', 'applied']);
    expect(offer('three')).toEqual(['refused', 'refused']);
    expect(offer('one', T0 + 1001)).toEqual(['future', 'future']);
  });
});

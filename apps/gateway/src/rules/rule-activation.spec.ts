import { AlertRule, decodeRule } from '@app/contracts';
import { withActivation } from './rule-activation';

const rule = (fields: Record<string, unknown> = {}): AlertRule => {
  const decoded = decodeRule({
    id: 'r',
    name: 'r',
    match: { types: ['a'] },
    window: { seconds: 60 },
    condition: { operator: '>=', threshold: 3 },
    ...fields,
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
};
const T1 = new Date('2026-12-01T10:00:00.000Z');
const T2 = new Date('2026-12-01T11:00:00.000Z');

describe('withActivation', () => {
  it('stamps a new rule with the time it was created, whatever the client sent', () => {
    expect(withActivation(rule({ activeFrom: '2020-01-01T00:00:00Z' }), null, T1).activeFrom).toBe(
      T1.toISOString(),
    );
  });

  it('keeps the activation when only presentation fields change', () => {
    const before = withActivation(rule(), null, T1);
    const renamed = withActivation(rule({ name: 'renamed', severity: 'critical' }), before, T2);
    expect(renamed.activeFrom).toBe(T1.toISOString());
  });

  it('starts again when the rule evaluates differently or is enabled again', () => {
    const before = withActivation(rule(), null, T1);
    const changed = rule({ condition: { operator: '>=', threshold: 2 } });
    expect(withActivation(changed, before, T2).activeFrom).toBe(T2.toISOString());
    const disabled = withActivation(rule({ enabled: false }), before, T2);
    expect(disabled.activeFrom).toBe(T1.toISOString());
    expect(withActivation(rule(), disabled, T2).activeFrom).toBe(T2.toISOString());
  });

  it('leaves a rule stored before activations existed unbounded until it changes', () => {
    expect(withActivation(rule({ name: 'renamed' }), rule(), T2)).not.toHaveProperty('activeFrom');
  });
});

import { AlertRule, evaluatesAlike, evaluationFingerprint } from './rule';

const rule: AlertRule = {
  id: 'r',
  name: 'r',
  description: '',
  enabled: true,
  match: { types: ['a'], sources: [], minSeverity: 'low' },
  groupBy: 'source',
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  severity: 'medium',
  cooldownSeconds: 0,
  autoResolve: true,
  channels: [],
};

describe('evaluation identity and forSeconds', () => {
  it('a change of forSeconds evaluates differently', () => {
    expect(evaluatesAlike(rule, { ...rule, forSeconds: 30 })).toBe(false);
    expect(evaluatesAlike({ ...rule, forSeconds: 30 }, { ...rule, forSeconds: 31 })).toBe(false);
    expect(evaluationFingerprint(rule)).not.toBe(
      evaluationFingerprint({ ...rule, forSeconds: 30 }),
    );
  });

  it('forSeconds 0 is the same as no forSeconds', () => {
    expect(evaluatesAlike(rule, { ...rule, forSeconds: 0 })).toBe(true);
    expect(evaluationFingerprint(rule)).toBe(evaluationFingerprint({ ...rule, forSeconds: 0 }));
  });
});

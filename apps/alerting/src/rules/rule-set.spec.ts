import { AlertRule, decodeRule } from '@app/contracts';
import { RuleSet } from './rule-set';

const rule = (id: string, name: string): AlertRule => {
  const decoded = decodeRule({
    id,
    name,
    match: { types: ['*'] },
    window: { seconds: 10 },
    condition: { operator: '>', threshold: 1 },
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
};

describe('RuleSet', () => {
  it('lets the topic override and delete predefined rules', () => {
    const rules = new RuleSet();
    rules.loadFile([rule('a', 'from file'), rule('b', 'from file')]);
    expect(rules.applyTopic('a', rule('a', 'edited'))).toEqual({
      ruleId: 'a',
      rule: rule('a', 'edited'),
    });
    expect(rules.applyTopic('b', null)).toEqual({ ruleId: 'b', rule: null });
    rules.applyTopic('c', rule('c', 'from topic'));
    expect(rules.all().map((r) => `${r.id}:${r.name}`)).toEqual(['a:edited', 'c:from topic']);
    expect(rules.get('b')).toBeNull();
  });
});

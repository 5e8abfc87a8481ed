import { join } from 'node:path';
import { loadRuleFile } from './rule-file';

describe('rules.sample.yaml', () => {
  it('is a valid rules file covering sliding, tumbling, count, value and "fewer than" rules', () => {
    const rules = loadRuleFile(join(__dirname, '..', '..', 'rules.sample.yaml'));
    expect(rules.length).toBeGreaterThanOrEqual(5);
    expect(new Set(rules.map((r) => r.window.kind))).toEqual(new Set(['sliding', 'tumbling']));
    expect(rules.some((r) => r.condition.operator === '<')).toBe(true);
    expect(rules.some((r) => r.condition.aggregate === 'avg')).toBe(true);
  });

  it('watches host CPU, memory and disk above 90%', () => {
    const rules = loadRuleFile(join(__dirname, '..', '..', 'rules.sample.yaml'));
    const watched = rules
      .filter((r) => r.condition.operator === '>' && r.condition.threshold === 90)
      .flatMap((r) => r.match.types);
    expect(watched).toEqual(
      expect.arrayContaining([
        'host.cpu.usage',
        'host.memory.used_percent',
        'host.disk.used_percent',
      ]),
    );
  });

  it('holds host-cpu-high for a minute before it fires (forSeconds in a rules file)', () => {
    const rules = loadRuleFile(join(__dirname, '..', '..', 'rules.sample.yaml'));
    expect(rules.find((r) => r.id === 'host-cpu-high')?.forSeconds).toBe(60);
    expect(rules.filter((r) => r.id !== 'host-cpu-high').every((r) => !r.forSeconds)).toBe(true);
  });
});

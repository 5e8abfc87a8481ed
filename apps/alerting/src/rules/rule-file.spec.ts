import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleFile } from './rule-file';

const dir = mkdtempSync(join(tmpdir(), 'rules-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadRuleFile', () => {
  it('reads YAML with a rules key and JSON lists', () => {
    const yaml = file(
      'rules.yaml',
      `rules:\n  - id: heartbeat\n    name: No heartbeat\n    match: { types: [host.heartbeat] }\n    window: { seconds: 60 }\n    condition: { operator: '<', threshold: 1 }\n`,
    );
    expect(loadRuleFile(yaml).map((r) => r.id)).toEqual(['heartbeat']);
    const json = file(
      'rules.json',
      JSON.stringify([
        {
          id: 'x',
          name: 'X',
          match: { types: ['a'] },
          window: { seconds: 5 },
          condition: { operator: '>', threshold: 0 },
        },
      ]),
    );
    expect(loadRuleFile(json)[0].condition).toEqual({
      aggregate: 'count',
      operator: '>',
      threshold: 0,
    });
  });

  it('refuses the whole file, listing every bad rule and duplicate id', () => {
    const path = file(
      'bad.yaml',
      `- id: ok\n  name: OK\n  match: { types: [a] }\n  window: { seconds: 5 }\n  condition: { operator: '>', threshold: 0 }\n- id: ok\n  name: Again\n  match: { types: [a] }\n  window: { seconds: 5 }\n  condition: { operator: '>', threshold: 0 }\n- id: broken\n  name: Broken\n`,
    );
    expect(() => loadRuleFile(path)).toThrow(
      /rule 2 \(ok\): duplicate id ok[\s\S]*rule 3 \(broken\): "match" must be an object/,
    );
  });

  it('says which file is missing or unparsable', () => {
    expect(() => loadRuleFile(join(dir, 'absent.yaml'))).toThrow(
      /cannot read rules file .*absent.yaml/,
    );
    expect(() => loadRuleFile(file('garbage.yaml', 'rules: [\n'))).toThrow(/not valid YAML\/JSON/);
    expect(() => loadRuleFile(file('scalar.yaml', 'hello'))).toThrow(/must hold a list of rules/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envBindingsOf } from '@app/config';
import { configurationTable, SERVICE_CONFIGS } from './config-docs';
import {
  CONFIGURATION_DOC,
  documentedTable,
  REGENERATE_COMMAND,
  staleTableReason,
  TABLE_END,
  TABLE_START,
  withTable,
} from './config-docs-file';

/** A setting nobody can find is a setting nobody can use: docs/configuration.md lists them all. */
describe('docs/configuration.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', CONFIGURATION_DOC), 'utf8');

  it('holds the table generated from the code, as generated', () => {
    expect(staleTableReason(doc, configurationTable())).toBeUndefined();
  });

  it.each(Object.entries(SERVICE_CONFIGS))(
    'documents every environment variable of %s',
    (_, configClass) => {
      const variables = envBindingsOf(configClass).map((binding) => binding.variable);
      expect(variables.length).toBeGreaterThan(0);
      const missing = variables.filter(
        (variable) => !documentedTable(doc).includes(`\`${variable}\``),
      );
      expect(missing).toEqual([]);
    },
  );
});

describe('the generated configuration table in its document', () => {
  const table = '| variable | meaning |\n| -------- | ------- |\n| `A` | one |';
  const doc = `# Configuration\n\nintro\n\n${TABLE_START}\n\n${table}\n\n${TABLE_END}\n\nafter\n`;

  it('is replaced between its markers, the hand-written text kept', () => {
    const rewritten = withTable(doc, table.replace('one', 'two'));
    expect(documentedTable(rewritten)).toBe(table.replace('one', 'two'));
    expect(rewritten).toBe(doc.replace('one', 'two'));
  });

  it('when stale, names the changed variables and the command that regenerates it', () => {
    const reason = staleTableReason(doc, `${table}\n| \`B\` | two |`);
    expect(reason).toContain('new or changed: B');
    expect(reason).toContain(REGENERATE_COMMAND);
  });

  it('refuses a document that lost its markers', () => {
    expect(() => documentedTable('# Configuration\n')).toThrow('lost its table markers');
  });
});

/** What the comparison prints, and the JSON file of every difference. */
import { writeFileSync } from 'node:fs';
import { DeadLetterComparison } from './dead-letter-compare';
import { UrlComparison, UrlDifference } from './http-compare';
import { differingRows, TableComparison } from './table-compare';

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);
export const fmt = (n: number): string => n.toLocaleString('en-US');

const SHOWN_DIFFERENCES = 5;
const SHOWN_CHARS = 600;

const clip = (value: unknown, chars = SHOWN_CHARS) => {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  return text.length > chars ? `${text.slice(0, chars)}… (${fmt(text.length)} chars)` : text;
};

export function printTables(tables: readonly TableComparison[]): void {
  say('\n== stored tables, row for row (by key)');
  for (const table of tables) {
    const verdict =
      differingRows(table) === 0
        ? 'identical'
        : `${fmt(table.onlyOld)} only in old, ${fmt(table.onlyNew)} only in new, ${fmt(table.changed)} with other values`;
    say(
      `${table.name.padEnd(22)} ${fmt(table.oldRows).padStart(9)} rows old, ${fmt(table.newRows).padStart(9)} new: ${verdict}`,
    );
    for (const difference of table.differences) {
      say(`  old ${clip(difference.old)}`);
      say(`  new ${clip(difference.new)}`);
    }
  }
}

export function printDeadLetters(comparison: DeadLetterComparison): void {
  const verdict = comparison.differing === 0 ? 'identical' : `${fmt(comparison.differing)} differ`;
  say(
    `\n== dead letters (events.dlq, all fields but dlq.failed-at): ${fmt(comparison.oldRecords)} old, ${fmt(comparison.newRecords)} new: ${verdict}`,
  );
  const byStage = new Map<string, [number, number]>();
  for (const [reason, [a, b]] of comparison.byReason) {
    const stage = reason.slice(0, reason.indexOf(':'));
    const sums = byStage.get(stage) ?? [0, 0];
    byStage.set(stage, [sums[0] + a, sums[1] + b]);
  }
  for (const [stage, [a, b]] of byStage) say(`  stage ${stage}: ${fmt(a)} old, ${fmt(b)} new`);
  say(`  ${fmt(comparison.byReason.size)} distinct stage and reasons lists`);
  for (const [reason, [a, b]] of comparison.byReason) {
    if (a !== b) say(`  differs: ${a} old, ${b} new: ${clip(reason, 200)}`);
  }
  for (const record of comparison.onlyOld) say(`  only old: ${clip(record, 300)}`);
  for (const record of comparison.onlyNew) say(`  only new: ${clip(record, 300)}`);
}

export function printUrls(comparison: UrlComparison): void {
  const kinds = [...comparison.byKind]
    .map(([kind, counts]) => `${kind} ${fmt(counts.compared)}`)
    .join(', ');
  say(`\n== gateway answers: ${fmt(comparison.compared)} URLs compared (${kinds})`);
  say(`identical ${fmt(comparison.identical)}, differing ${fmt(comparison.differences.length)}`);
  const statuses = [...comparison.statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([status, count]) => `${status}: ${fmt(count)}`)
    .join(', ');
  say(`answers by HTTP status (old side): ${statuses}`);
  for (const [kind, counts] of comparison.byKind) {
    if (counts.differing > 0) say(`  ${kind}: ${fmt(counts.differing)} differ`);
  }
  comparison.differences.slice(0, SHOWN_DIFFERENCES).forEach(printDifference);
}

function printDifference(difference: UrlDifference): void {
  say(`\n- ${difference.oldPath}`);
  if (difference.newPath !== difference.oldPath) say(`  (new side: ${difference.newPath})`);
  say(`  first difference at ${difference.difference.path}:`);
  say(`    old ${clip(difference.difference.old)}`);
  say(`    new ${clip(difference.difference.new)}`);
  say(`  old answer ${difference.old.status}: ${clip(difference.old.body, 300)}`);
  say(`  new answer ${difference.new.status}: ${clip(difference.new.body, 300)}`);
}

export function writeReport(
  file: string,
  report: {
    tables: readonly TableComparison[];
    deadLetters: DeadLetterComparison;
    urls: UrlComparison;
  },
): void {
  const json = {
    tables: report.tables,
    deadLetters: {
      ...report.deadLetters,
      byReason: Object.fromEntries(report.deadLetters.byReason),
    },
    urls: {
      compared: report.urls.compared,
      identical: report.urls.identical,
      byKind: Object.fromEntries(report.urls.byKind),
      differences: report.urls.differences,
    },
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  say(`every difference, with both answers: ${file}`);
}

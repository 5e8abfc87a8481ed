import type { RetentionPassReport } from '@app/database';

const number = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * One log line for a pass that did something or failed:
 * `created events_p20261213; dropped events_p20261104 (~1,234,567 rows); deleted
 * event_rollups_minute 1,440, event_counts 4,320; 0.8 s`. Undefined for a pass that found
 * nothing to do (the hourly usual), which is not worth a line.
 */
export function passSummary(report: RetentionPassReport): string | undefined {
  const parts: string[] = [];
  if (report.created.length > 0) {
    const moved =
      report.moved > 0 ? ` (${number(report.moved)} rows moved from events_default)` : '';
    parts.push(`created ${report.created.join(', ')}${moved}`);
  }
  if (report.dropped.length > 0) {
    parts.push(
      `dropped ${report.dropped.join(', ')} (~${number(report.droppedRowsEstimate)} rows)`,
    );
  }
  const deleted = Object.entries(report.deleted).filter(([, rows]) => rows > 0);
  if (deleted.length > 0) {
    parts.push(`deleted ${deleted.map(([table, rows]) => `${table} ${number(rows)}`).join(', ')}`);
  }
  if (report.outcome === 'failed') parts.push(`failed: ${report.problems.join('; ')}`);
  if (parts.length === 0) return undefined;
  return `${parts.join('; ')}; ${(report.durationMs / 1000).toFixed(1)} s`;
}

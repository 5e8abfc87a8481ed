import type { AlertRule } from '@app/contracts';
import type { AlertRuleEntity } from '@app/database';
import type { Principal } from '../auth';
import { compareIds, FileRule, ReportedRules } from './alerting-reports';
import { ruleAsSeenBy } from './channel-redaction';
import { RuleDto } from './rules.dto';

/** A rule the API shows: a row of the rules table, or a rule of alerting's file. */
export type RuleItem =
  | { origin: 'api'; id: string; row: AlertRuleEntity }
  | { origin: 'file'; id: string; file: FileRule };

export const apiItem = (row: AlertRuleEntity): RuleItem => ({ origin: 'api', id: row.id, row });
export const fileItem = (file: FileRule): RuleItem => ({ origin: 'file', id: file.rule.id, file });

/** What the incidents table says of a rule. */
export interface IncidentStats {
  openIncidents: number;
  lastFiredAt: Date | null;
}

/** The file rules a page may show: after the cursor, with the `enabled` asked for. */
export function fileRulesForPage(
  fileRules: readonly FileRule[],
  filter: { afterId?: string; enabled?: boolean },
): FileRule[] {
  return fileRules.filter(
    ({ rule }) =>
      (filter.afterId === undefined || compareIds(rule.id, filter.afterId) > 0) &&
      (filter.enabled === undefined || rule.enabled === filter.enabled),
  );
}

/**
 * Table rows and file rules, each already in id order after the cursor, merged into one keyset
 * page: the first limit + 1 of both (the extra one only says a next page exists). The first
 * limit + 1 of the union are among the first limit + 1 of each, so fetching that many rows is
 * enough, and the next page goes on from the last id shown whichever source it came from.
 */
export function mergeRulePage(
  rows: readonly AlertRuleEntity[],
  fileRules: readonly FileRule[],
  limit: number,
): RuleItem[] {
  const items: RuleItem[] = [];
  let r = 0;
  let f = 0;
  while (items.length < limit + 1 && (r < rows.length || f < fileRules.length)) {
    const takeRow =
      f >= fileRules.length ||
      (r < rows.length && compareIds(rows[r].id, fileRules[f].rule.id) < 0);
    items.push(takeRow ? apiItem(rows[r++]) : fileItem(fileRules[f++]));
  }
  return items;
}

/** The rule definition alerting runs for the item. */
export function definitionOf(item: RuleItem): AlertRule {
  return item.origin === 'api' ? item.row.definition : item.file.rule;
}

/**
 * A rule as the API shows it, with its state. `principal` absent: the whole rule (answers to
 * changes, which only admins make); else channel URLs redacted for non-admins, file rules too:
 * their channels hold credentials like any rule's.
 */
export function toRuleDto(
  item: RuleItem,
  stats: IncidentStats | undefined,
  reported: ReportedRules,
  principal?: Principal,
): RuleDto {
  const definition = definitionOf(item);
  const windows = reported.windows(item.id);
  const enabled = item.origin === 'api' ? item.row.enabled : definition.enabled;
  return {
    id: item.id,
    name: item.origin === 'api' ? item.row.name : definition.name,
    enabled,
    version: item.origin === 'api' ? item.row.version : null,
    createdAt: item.origin === 'api' ? item.row.createdAt.toISOString() : null,
    updatedAt: item.origin === 'api' ? item.row.updatedAt.toISOString() : null,
    definition: principal ? ruleAsSeenBy(definition, principal) : definition,
    origin: item.origin === 'api' ? { kind: 'api' } : { kind: 'file', path: item.file.path },
    readOnly: item.origin === 'file',
    state: {
      enabled,
      activeKeys: windows?.activeKeys ?? null,
      pendingKeys: windows?.pendingKeys ?? null,
      openIncidents: stats?.openIncidents ?? 0,
      lastFiredAt: stats?.lastFiredAt?.toISOString() ?? null,
      reportedAt: reported.reportedAt,
    },
  };
}

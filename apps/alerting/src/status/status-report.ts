import { AlertingStatusReport, AlertRule, RuleWindowCounts } from '@app/contracts';

export interface StatusReportInput {
  replicaId: string;
  now: Date;
  intervalMs: number;
  rulesFile: { path: string; rules: readonly AlertRule[] } | null;
  /** Group keys held per rule, and of those the pending ones (rules absent: none pending). */
  keysByRule: ReadonlyMap<string, number>;
  pendingKeysByRule: ReadonlyMap<string, number>;
}

/** The report a replica publishes to `alerting.status`: pure, so its shape is unit-tested. */
export function statusReport(input: StatusReportInput): AlertingStatusReport {
  const windows: RuleWindowCounts[] = [...input.keysByRule]
    .map(([ruleId, activeKeys]) => ({
      ruleId,
      activeKeys,
      pendingKeys: input.pendingKeysByRule.get(ruleId) ?? 0,
    }))
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return {
    replicaId: input.replicaId,
    reportedAt: input.now.toISOString(),
    intervalMs: input.intervalMs,
    rulesFile: input.rulesFile && { path: input.rulesFile.path, rules: [...input.rulesFile.rules] },
    windows,
  };
}

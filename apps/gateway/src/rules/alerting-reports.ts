import type { AlertingStatusReport, AlertRule } from '@app/contracts';

/** A rule from alerting's rules file, with the path alerting was configured with. */
export interface FileRule {
  rule: AlertRule;
  path: string;
}

/** Group keys held for one rule, summed over the replicas that report. */
export interface WindowTotals {
  activeKeys: number;
  pendingKeys: number;
}

/** What the alerting replicas report, as of one instant. */
export interface ReportedRules {
  /** File rules by id, in id order (code units: ids are ASCII). */
  readonly fileRules: readonly FileRule[];
  fileRule(id: string): FileRule | undefined;
  /** The rule's keys over the live replicas (0 where one holds none); null when none is live. */
  windows(ruleId: string): WindowTotals | null;
  /** The newest live report's time; null when no replica is live. */
  readonly reportedAt: string | null;
}

/** A replica silent for this many of its own intervals counts as gone. */
export const MISSED_REPORTS = 3;

/**
 * The latest status report of each alerting replica (`alerting.status`, keyed by replica) and
 * what they add up to. A report is live until MISSED_REPORTS of its replica's intervals passed
 * since it was made, by the report's own time: the gateway reads the whole compacted topic at
 * start-up, so when a record arrived says nothing about when it was made (clocks are assumed in
 * sync, as for the incidents' times).
 *
 * File rules come from the live reports (during a rolling change of the file, replicas with the
 * old and the new file both run: a rule on either is listed, the newer report's version wins).
 * With no replica live, they come from the newest report ever read, tombstoned since or not:
 * the rules did not go away because alerting stopped, they run again when it starts.
 */
export class AlertingReports {
  private readonly byReplica = new Map<string, AlertingStatusReport>();
  private newest: AlertingStatusReport | undefined;

  /** The replica's newest report, or null (a tombstone) once it stopped. */
  apply(replicaId: string, report: AlertingStatusReport | null): void {
    if (report === null) {
      this.byReplica.delete(replicaId);
      return;
    }
    this.byReplica.set(replicaId, report);
    if (!this.newest || timeOf(report) >= timeOf(this.newest)) this.newest = report;
  }

  snapshot(now: number): ReportedRules {
    const live: AlertingStatusReport[] = [];
    for (const [replicaId, report] of this.byReplica) {
      // A report that aged out stays out (a newer one would replace it): forget it, so the
      // records of replicas that died without a tombstone do not pile up in memory.
      if (isLive(report, now)) live.push(report);
      else this.byReplica.delete(replicaId);
    }
    live.sort((a, b) => timeOf(a) - timeOf(b));
    return new ReportSnapshot(live, this.newest);
  }
}

export function isLive(report: AlertingStatusReport, now: number): boolean {
  return now - timeOf(report) <= MISSED_REPORTS * report.intervalMs;
}

const timeOf = (report: AlertingStatusReport) => Date.parse(report.reportedAt);

class ReportSnapshot implements ReportedRules {
  readonly fileRules: readonly FileRule[];
  readonly reportedAt: string | null;
  private readonly byId = new Map<string, FileRule>();
  private readonly totals: Map<string, WindowTotals> | null;

  /** `live` oldest first. */
  constructor(live: readonly AlertingStatusReport[], newest: AlertingStatusReport | undefined) {
    for (const report of live.length > 0 ? live : newest ? [newest] : []) {
      if (!report.rulesFile) continue;
      for (const rule of report.rulesFile.rules) {
        this.byId.set(rule.id, { rule, path: report.rulesFile.path });
      }
    }
    this.fileRules = [...this.byId.values()].sort((a, b) => compareIds(a.rule.id, b.rule.id));
    this.reportedAt = live.length > 0 ? live[live.length - 1].reportedAt : null;
    this.totals = live.length > 0 ? sumWindows(live) : null;
  }

  fileRule(id: string): FileRule | undefined {
    return this.byId.get(id);
  }

  windows(ruleId: string): WindowTotals | null {
    if (!this.totals) return null;
    return this.totals.get(ruleId) ?? { activeKeys: 0, pendingKeys: 0 };
  }
}

/** Each group key is held by exactly one replica, so the replicas' counts add up. */
function sumWindows(reports: readonly AlertingStatusReport[]): Map<string, WindowTotals> {
  const totals = new Map<string, WindowTotals>();
  for (const report of reports) {
    for (const { ruleId, activeKeys, pendingKeys } of report.windows) {
      const total = totals.get(ruleId) ?? { activeKeys: 0, pendingKeys: 0 };
      total.activeKeys += activeKeys;
      total.pendingKeys += pendingKeys;
      totals.set(ruleId, total);
    }
  }
  return totals;
}

/** Rule ids in the order of the rules table's keyset (`COLLATE "C"`): code units. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import {
  checkInstant,
  checkNumber,
  checkString,
  describe,
  isPlainObject,
  parseJsonObjectValue,
  Reasons,
  rejectUnknownFields,
} from './field-checks';
import { AlertRule } from './rule';
import { decodeRule } from './rule-decoder';

/** The windows one alerting replica holds for one rule. */
export interface RuleWindowCounts {
  ruleId: string;
  /** Group keys with a window in this replica's memory. */
  activeKeys: number;
  /** Of those, keys whose condition holds but has not held `forSeconds` yet. */
  pendingKeys: number;
}

/**
 * What one alerting replica runs, as it publishes it to `alerting.status` (key = replicaId)
 * every ALERTING_STATUS_INTERVAL_MS and right after a rule change; a tombstone when it stops.
 */
export interface AlertingStatusReport {
  /** Unique per process: a restarted replica is a new one. */
  replicaId: string;
  /** When the replica made the report (its clock). */
  reportedAt: string;
  /** How often the replica reports: a reader counts a report older than 3 of these as gone. */
  intervalMs: number;
  /** The predefined rules it loaded, and the path ALERTING_RULES_FILE named; null without one. */
  rulesFile: { path: string; rules: AlertRule[] } | null;
  /** Every rule the replica evaluates, with the windows it holds for it. */
  windows: RuleWindowCounts[];
}

export type AlertingStatusDecodeResult =
  { ok: true; report: AlertingStatusReport } | { ok: false; reasons: string[] };

const REPORT_FIELDS = ['replicaId', 'reportedAt', 'intervalMs', 'rulesFile', 'windows'];
/** As many rules as a replica may hold from the file and the topic together, with room. */
const MAX_LISTED_RULES = 100_000;

/**
 * Checks a status report read from `alerting.status`, listing every reason it is unusable.
 * The file's rules go through the rule decoder: the gateway shows them, and must not show
 * (or backtest) anything a rule could not be.
 */
export function decodeAlertingStatus(value: Buffer | string | null): AlertingStatusDecodeResult {
  const parsed = parseJsonObjectValue(value, 'status report');
  if (!parsed.ok) return parsed;
  const input = parsed.object;
  const reasons: Reasons = [];
  rejectUnknownFields(input, REPORT_FIELDS, '', reasons);
  const replicaId = checkString(input.replicaId, 'replicaId', reasons, { max: 256 });
  const reportedAt = checkInstant(input.reportedAt, 'reportedAt', reasons);
  const intervalMs = checkNumber(input.intervalMs, 'intervalMs', reasons, {
    integer: true,
    min: 1,
    max: 3_600_000,
  });
  const rulesFile = decodeRulesFile(input.rulesFile, reasons);
  const windows = decodeWindows(input.windows, reasons);
  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    report: {
      replicaId: replicaId!,
      reportedAt: reportedAt!,
      intervalMs: intervalMs!,
      rulesFile: rulesFile!,
      windows: windows!,
    },
  };
}

function decodeRulesFile(
  value: unknown,
  reasons: Reasons,
): AlertingStatusReport['rulesFile'] | undefined {
  if (value === null) return null;
  if (!isPlainObject(value)) {
    reasons.push(`"rulesFile" must be an object or null, got ${describe(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, ['path', 'rules'], 'rulesFile', reasons);
  const path = checkString(value.path, 'rulesFile.path', reasons, { max: 4096 });
  if (!Array.isArray(value.rules) || value.rules.length > MAX_LISTED_RULES) {
    reasons.push(`"rulesFile.rules" must be an array of rules, got ${describe(value.rules)}`);
    return undefined;
  }
  const rules: AlertRule[] = [];
  value.rules.forEach((entry, index) => {
    const decoded = decodeRule(entry);
    if (decoded.ok) rules.push(decoded.rule);
    else reasons.push(...decoded.reasons.map((reason) => `rulesFile.rules[${index}]: ${reason}`));
  });
  return path === undefined ? undefined : { path, rules };
}

function decodeWindows(value: unknown, reasons: Reasons): RuleWindowCounts[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_LISTED_RULES) {
    reasons.push(`"windows" must be an array, got ${describe(value)}`);
    return undefined;
  }
  const windows: RuleWindowCounts[] = [];
  value.forEach((entry, index) => {
    const field = `windows[${index}]`;
    if (!isPlainObject(entry)) {
      reasons.push(`"${field}" must be an object, got ${describe(entry)}`);
      return;
    }
    rejectUnknownFields(entry, ['ruleId', 'activeKeys', 'pendingKeys'], field, reasons);
    const ruleId = checkString(entry.ruleId, `${field}.ruleId`, reasons, { max: 128 });
    const count = { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER };
    const activeKeys = checkNumber(entry.activeKeys, `${field}.activeKeys`, reasons, count);
    const pendingKeys = checkNumber(entry.pendingKeys, `${field}.pendingKeys`, reasons, count);
    if (ruleId !== undefined && activeKeys !== undefined && pendingKeys !== undefined) {
      windows.push({ ruleId, activeKeys, pendingKeys });
    }
  });
  return windows;
}

import type { AlertRule } from '@app/contracts';

/** Where one partition's rebuild starts and where normal evaluation resumes. */
export interface PartitionReplay {
  partition: number;
  /** First offset to replay: the first record at or after the look-back instant. */
  replayFrom: bigint;
  /** The group's committed offset (or the end of the log for a new group). */
  resumeAt: bigint;
  /**
   * Below this offset, rule versions at or below `knownRules` were evaluated before and
   * replay silently; every other rule version is evaluated with notifications. -1: a new
   * group, nothing was evaluated before.
   */
  silentBelow: bigint;
  /** The alert-rules position the commit was made under (see rulesPositionOf). */
  knownRules: number;
}

export interface PartitionOffsets {
  partition: number;
  /** Committed offset of the group, or -1 when it has none. */
  committed: bigint;
  /** Offset of the first record at or after the look-back instant, or -1 when there is none. */
  atLookback: bigint;
  high: bigint;
  /** Commit metadata: the alert-rules position of the commit (rulesPositionMetadata). */
  metadata: string | null;
}

/**
 * Plans a rebuild: replay from the look-back instant up to the committed offset, silently for
 * the rule versions that evaluated those events before (their incidents are in the ledger),
 * with notifications for rule versions that arrived since; then evaluate normally from the
 * committed offset on. A group with no commit has evaluated nothing: it replays the
 * look-back up to the end of the log with notifications, so events that were on the topic
 * before it started still open incidents.
 */
export function planReplay(offsets: readonly PartitionOffsets[]): PartitionReplay[] {
  return offsets.map(({ partition, committed, atLookback, high, metadata }) => {
    const resumeAt = committed >= 0n ? committed : high;
    const fromLookback = atLookback >= 0n ? atLookback : high;
    return {
      partition,
      replayFrom: fromLookback < resumeAt ? fromLookback : resumeAt,
      resumeAt,
      silentBelow: committed >= 0n ? committed : -1n,
      knownRules: rulesPositionOf(metadata),
    };
  });
}

const RULES_POSITION = /^rules@(-?\d+)$/;

/**
 * Commit metadata saying that every rule version whose alert-rules record is at or below
 * `position` had evaluated every event below the committed offset.
 */
export const rulesPositionMetadata = (position: number): string => `rules@${position}`;

/**
 * A commit without that metadata was made before rules carried versions: it meant that
 * every rule in force had evaluated the events, so every rule counts as known.
 */
export function rulesPositionOf(metadata: string | null): number {
  const match = RULES_POSITION.exec(metadata ?? '');
  return match ? Number(match[1]) : Infinity;
}

/**
 * How far back a rebuild replays: the longest rule span (see ruleSpanSeconds) plus the grace
 * period (a tumbling window can have started up to one window ago), plus a second for clock
 * rounding.
 */
export function lookbackMs(spanSeconds: readonly number[], graceMs: number): number {
  return Math.max(0, ...spanSeconds) * 1000 + graceMs + 1000;
}

/**
 * How much history one rule needs to be where it was: its window, plus `forSeconds` for a key
 * that was pending (it began to hold up to forSeconds ago, on the window before that), so it
 * fires when it would have without the restart instead of starting its wait over.
 */
export function ruleSpanSeconds(rule: Pick<AlertRule, 'window' | 'forSeconds'>): number {
  return rule.window.seconds + (rule.forSeconds ?? 0);
}

/** Where one partition's rebuild starts and where normal evaluation resumes. */
export interface PartitionReplay {
  partition: number;
  /** First offset to replay: the first record at or after the look-back instant. */
  replayFrom: bigint;
  /** The group's committed offset (or the end of the log for a new group). */
  resumeAt: bigint;
}

export interface PartitionOffsets {
  partition: number;
  /** Committed offset of the group, or -1 when it has none. */
  committed: bigint;
  /** Offset of the first record at or after the look-back instant, or -1 when there is none. */
  atLookback: bigint;
  high: bigint;
}

/**
 * Plans a rebuild: replay from the look-back instant up to the committed offset without
 * emitting anything (those events were evaluated before, and their incidents are in the
 * ledger), then evaluate normally from the committed offset on. A group with no commit
 * starts at the end of the log, after replaying the look-back.
 */
export function planReplay(offsets: readonly PartitionOffsets[]): PartitionReplay[] {
  return offsets.map(({ partition, committed, atLookback, high }) => {
    const resumeAt = committed >= 0n ? committed : high;
    const fromLookback = atLookback >= 0n ? atLookback : high;
    return { partition, replayFrom: fromLookback < resumeAt ? fromLookback : resumeAt, resumeAt };
  });
}

/**
 * How far back a rebuild replays: the longest window plus the grace period (a tumbling
 * window can have started up to one window ago), plus a second for clock rounding.
 */
export function lookbackMs(windowSeconds: readonly number[], graceMs: number): number {
  return Math.max(0, ...windowSeconds) * 1000 + graceMs + 1000;
}

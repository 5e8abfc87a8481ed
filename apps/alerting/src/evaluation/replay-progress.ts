import { PartitionReplay } from './replay-plan';

/** Below `below`, rule versions up to `knownRules` were evaluated before: they replay silently. */
export interface ReplaySilence {
  below: bigint;
  knownRules: number;
}

/**
 * Where evaluation is on each owned partition since the last assignment: the offset it reads
 * next, and while the look-back replays, where normal evaluation resumes and what replays
 * silently (from the rebuild plan). Windows are ready once no partition replays any more.
 */
export class ReplayProgress {
  private readonly resumeAt = new Map<number, bigint>();
  private readonly silence = new Map<number, ReplaySilence>();
  private readonly positions = new Map<number, bigint>();
  private startedAt = 0;
  /**
   * Between restart() and allPlanned() the plan is still being fetched: the windows are fresh
   * and empty, so they are not ready either. Without this a wall-clock tick in that gap moved
   * the new engine's floor to now before the look-back replayed: replayed events were then
   * evaluated at now instead of their own time (a pending key started its forSeconds over),
   * and "fewer than" rules judged windows that were only empty because nothing had replayed.
   */
  private planning = false;

  constructor(
    /** Called when the windows are ready, with how long the rebuild took. */
    private readonly ready: (rebuildMs: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A new assignment: nothing is known about any partition until its plan comes.
   * `planning` false: no partition is assigned, so no plan will come.
   */
  restart(planning = true): void {
    this.planning = planning;
    this.resumeAt.clear();
    this.silence.clear();
    this.positions.clear();
    this.startedAt = this.now();
  }

  planned(plan: PartitionReplay): void {
    if (plan.replayFrom < plan.resumeAt) this.resumeAt.set(plan.partition, plan.resumeAt);
    this.silence.set(plan.partition, { below: plan.silentBelow, knownRules: plan.knownRules });
    this.positions.set(plan.partition, plan.replayFrom);
  }

  /** Every partition is planned: with nothing to replay, the windows are ready now. */
  allPlanned(): void {
    this.planning = false;
    if (!this.replaying) this.ready(this.now() - this.startedAt);
  }

  /**
   * True while the plan is fetched or a partition replays its look-back (the wall-clock tick
   * waits for the end).
   */
  get replaying(): boolean {
    return this.planning || this.resumeAt.size > 0;
  }

  resumeAtOf(partition: number): bigint | undefined {
    return this.resumeAt.get(partition);
  }

  silenceOf(partition: number): ReplaySilence | undefined {
    return this.silence.get(partition);
  }

  /** The next offset evaluation reads on the partition, if known. */
  position(partition: number): bigint | undefined {
    return this.positions.get(partition);
  }

  /** The partition's position moved to `offset` by a seek. */
  sought(partition: number, offset: bigint): void {
    this.positions.set(partition, offset);
  }

  /**
   * Whether evaluation up to `next` may be committed: not when it lies at or below the group's
   * commit, which must not move back. A group with no commit yet evaluated its replay with
   * notifications, so that is committed as it is published.
   */
  isCommittable(partition: number, next: bigint): boolean {
    const committed = this.silence.get(partition)?.below ?? -1n;
    return next > committed;
  }

  /** Evaluation read the partition up to `next`; that may end its replay, and the rebuild. */
  reached(partition: number, next: bigint): void {
    this.positions.set(partition, next);
    const resumeAt = this.resumeAt.get(partition);
    if (resumeAt === undefined || next < resumeAt) return;
    this.resumeAt.delete(partition);
    if (!this.replaying) this.ready(this.now() - this.startedAt);
  }
}

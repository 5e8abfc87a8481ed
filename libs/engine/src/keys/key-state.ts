import type { CompiledRule } from '../rules/compiled-rule';
import { KeyWindow } from '../windows/key-window';
import { RecentEvents } from '../windows/recent-events';
import { Schedulable } from './due-queue';

// A key's timestamps, at the start of its window's block (see RecentEvents): a block holds
// doubles unboxed (a number field that is not a small integer would be a separate heap object
// the GC marks), and the block is the memory every event of the key touches anyway, where
// per-rule columns were one more cache line each, four per event.
const MAX_OCCURRED_AT = 0;
const LAST_SEEN = 1;
const DUE = 2;
const PENDING_SINCE = 3;
/** Numbers at the start of a key's block that hold its clocks; the window kind's come after. */
export const CLOCK_FIELDS = 4;

/**
 * What the engine remembers about one (rule, group key), window included: each window kind
 * extends this class. One object per key instead of a key state pointing at its window, because
 * every object is one more for each scavenge to copy and each major GC to mark, and a fresh
 * engine creates 100,000 keys (see docs/benchmarks.md). Its timestamps live in the front of
 * the window's block (see above why), read and written through the accessors below.
 */
export abstract class KeyState extends RecentEvents implements Schedulable, KeyWindow {
  firing = false;
  heapIndex = -1;

  constructor(
    readonly rule: CompiledRule,
    readonly key: string,
    /** The `*` key of a `groupBy: none` rule: never idle, never evicted. */
    readonly permanent: boolean,
    /** Numbers after the clocks that belong to the window kind. */
    front: number,
    /** Entries the first times and ids rings hold (the key is created for an event). */
    firstTimes: number,
    firstIds: number,
  ) {
    super(rule.store, CLOCK_FIELDS + front, firstTimes, firstIds);
    const cells = this.cells;
    const at = this.at;
    cells[at + MAX_OCCURRED_AT] = -Infinity;
    cells[at + LAST_SEEN] = -Infinity;
    cells[at + DUE] = Infinity;
    cells[at + PENDING_SINCE] = NaN;
  }

  abstract add(occurredAt: number, id: string, value: number | null, clock: number): void;
  abstract advanceTo(t: number): void;
  abstract aggregate(): number | undefined;
  abstract isEmpty(): boolean;
  abstract nextChangeAt(): number;
  abstract newestEventIds(): string[];
  abstract entryCount(): number;

  /** Newest occurredAt applied since the key (re)started; its clock is max(floor, this). */
  get maxOccurredAt(): number {
    return this.cells[this.at + MAX_OCCURRED_AT];
  }

  set maxOccurredAt(time: number) {
    this.cells[this.at + MAX_OCCURRED_AT] = time;
  }

  /** Newest occurredAt ever applied, kept across a rule change: the idle TTL counts from it. */
  get lastSeen(): number {
    return this.cells[this.at + LAST_SEEN];
  }

  set lastSeen(time: number) {
    this.cells[this.at + LAST_SEEN] = time;
  }

  get due(): number {
    return this.cells[this.at + DUE];
  }

  set due(time: number) {
    this.cells[this.at + DUE] = time;
  }

  /**
   * The evaluation time at which the condition of a `forSeconds` rule began to hold while the
   * key was not firing; NaN when the key is not pending.
   */
  get pendingSince(): number {
    return this.cells[this.at + PENDING_SINCE];
  }

  set pendingSince(time: number) {
    this.cells[this.at + PENDING_SINCE] = time;
  }

  /** Whether the key waits for its condition to have held `forSeconds` (NaN is not pending). */
  get pending(): boolean {
    const since = this.cells[this.at + PENDING_SINCE];
    return since === since;
  }
}

import type { CompiledRule } from '../rules/compiled-rule';
import { KeyWindow } from '../windows/key-window';
import { RecentEvents } from '../windows/recent-events';
import { Schedulable } from './due-queue';
import { KeyClocks } from './key-clocks';

/**
 * What the engine remembers about one (rule, group key), window included: each window kind
 * extends this class. One object per key instead of a key state pointing at its window, because
 * every object is one more for each scavenge to copy and each major GC to mark, and a fresh
 * engine creates 100,000 keys (see docs/benchmarks.md). Its timestamps live in the rule's
 * KeyClocks columns (see there why), read and written through the accessors below.
 */
export abstract class KeyState extends RecentEvents implements Schedulable, KeyWindow {
  firing = false;
  heapIndex = -1;
  private readonly clocks: KeyClocks;
  private readonly slot: number;

  constructor(
    readonly rule: CompiledRule,
    readonly key: string,
    /** The `*` key of a `groupBy: none` rule: never idle, never evicted. */
    readonly permanent: boolean,
    /** Numbers at the start of the window's array that belong to the window kind. */
    front = 0,
  ) {
    super(front);
    this.clocks = rule.clocks;
    this.slot = this.clocks.allocate();
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
    return this.clocks.maxOccurredAt[this.slot];
  }

  set maxOccurredAt(time: number) {
    this.clocks.maxOccurredAt[this.slot] = time;
  }

  /** Newest occurredAt ever applied, kept across a rule change: the idle TTL counts from it. */
  get lastSeen(): number {
    return this.clocks.lastSeen[this.slot];
  }

  set lastSeen(time: number) {
    this.clocks.lastSeen[this.slot] = time;
  }

  get due(): number {
    return this.clocks.due[this.slot];
  }

  set due(time: number) {
    this.clocks.due[this.slot] = time;
  }

  /**
   * The evaluation time at which the condition of a `forSeconds` rule began to hold while the
   * key was not firing; NaN when the key is not pending.
   */
  get pendingSince(): number {
    return this.clocks.pendingSince[this.slot];
  }

  set pendingSince(time: number) {
    this.clocks.pendingSince[this.slot] = time;
  }

  /** Whether the key waits for its condition to have held `forSeconds` (NaN is not pending). */
  get pending(): boolean {
    const since = this.clocks.pendingSince[this.slot];
    return since === since;
  }

  /** Gives the slot back: called once the key is out of the rule's map and the due queue. */
  release(): void {
    this.clocks.release(this.slot);
  }
}

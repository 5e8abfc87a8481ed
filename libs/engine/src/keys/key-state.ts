import type { CompiledRule } from '../rules/compiled-rule';
import { KeyWindow } from '../windows/key-window';
import { Schedulable } from './due-queue';
import { KeyClocks } from './key-clocks';

/**
 * What the engine remembers about one (rule, group key). Its timestamps live in the rule's
 * KeyClocks columns (see there why), read and written through the accessors below.
 */
export class KeyState implements Schedulable {
  firing = false;
  heapIndex = -1;
  private readonly slot: number;

  constructor(
    readonly rule: CompiledRule,
    readonly key: string,
    readonly window: KeyWindow,
    /** The `*` key of a `groupBy: none` rule: never idle, never evicted. */
    readonly permanent: boolean,
    private readonly clocks: KeyClocks,
  ) {
    this.slot = clocks.allocate();
  }

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

import type { CompiledRule } from '../rules/compiled-rule';
import { KeyWindow } from '../windows/key-window';
import { Schedulable } from './due-queue';

/** What the engine remembers about one (rule, group key). */
export class KeyState implements Schedulable {
  /** Newest occurredAt applied since the key (re)started; its clock is max(floor, this). */
  maxOccurredAt = -Infinity;
  /** Newest occurredAt ever applied, kept across a rule change: the idle TTL counts from it. */
  lastSeen = -Infinity;
  firing = false;
  due = Infinity;
  heapIndex = -1;

  constructor(
    readonly rule: CompiledRule,
    readonly key: string,
    readonly window: KeyWindow,
    /** The `*` key of a `groupBy: none` rule: never idle, never evicted. */
    readonly permanent: boolean,
  ) {}
}

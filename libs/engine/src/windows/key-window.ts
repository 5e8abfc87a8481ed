import type { CompiledRule } from '../rules/compiled-rule';
import type { KeyState } from '../keys/key-state';

/** The window content of one (rule, key): what the engine asks of every window kind. */
export interface KeyWindow {
  /**
   * Adds an applied event; `clock` is the key's clock after it (>= occurredAt). Leaves the
   * window advanced to `clock`, as advanceTo(clock) would.
   */
  add(occurredAt: number, id: string, value: number | null, clock: number): void;
  /** Forgets what left the window at instant `t` (t never decreases). */
  advanceTo(t: number): void;
  /** The aggregate over the window as of the last advance; undefined for avg/min/max of no value. */
  aggregate(): number | undefined;
  isEmpty(): boolean;
  /** Earliest instant at which the content changes with no new event (Infinity: never). */
  nextChangeAt(): number;
  /** Ids of events in the window, newest first (the kind decides how many it keeps). */
  newestEventIds(): string[];
  /** Retained timestamps, slots and accumulators, for the state-size gauge. */
  entryCount(): number;
}

/** The per-rule shape of a window kind: shared by all keys of the rule. */
export interface WindowGeometry {
  /** Whether an event at `occurredAt` can no longer belong to a key's window at `clock`. */
  isLate(occurredAt: number, clock: number): boolean;
  /** The reported start of the window evaluated at `t`. */
  startAt(t: number): number;
  /** The first instant whose window starts at or after `since` (is complete). */
  completeFrom(since: number): number;
  /** A key of `rule` with an empty window of this kind (the key state is its window). */
  createKey(rule: CompiledRule, key: string, permanent: boolean): KeyState;
}

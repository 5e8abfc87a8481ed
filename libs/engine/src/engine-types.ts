import { Severity } from '@app/contracts';

/** An event as the engine sees it: a normalised event with its time as epoch milliseconds. */
export interface EngineEvent {
  id: string;
  type: string;
  source: string;
  severity: Severity;
  /** Epoch ms (an integer, like `Date.getTime()`). */
  occurredAt: number;
  value: number | null;
  payload: Record<string, unknown> | string | null;
  /**
   * The event's group key, already computed: set on a match one replica forwarded to the
   * replica that holds the window (it carries no payload). Offer such an event to its one
   * rule (`onlyRules`). Absent, each rule computes the key from `groupBy`.
   */
  groupKey?: string;
}

export interface EngineOptions {
  /** How long after wall time a tick still waits for late events before moving the floor. */
  graceMs: number;
  /** Events stamped further than this ahead of wall time are ignored ('future'). */
  maxFutureSkewMs: number;
  /** A key with an empty window whose newest event is older than this is forgotten at a tick. */
  idleKeyTtlMs: number;
  /**
   * Most keys one rule tracks at once (a `groupBy: none` rule's `*` key included): an event
   * for a further key is `refused`, so a producer inventing group keys cannot grow the
   * state without bound. Default: no limit.
   */
  maxKeysPerRule?: number;
  /**
   * Whether the caller still needs a firing key whose window is empty: true while an incident
   * is open for it. A key it does not hold is forgotten at the next tick instead of after
   * the idle TTL. Default: every firing key is held.
   */
  holdsFiringKey?: (ruleId: string, groupKey: string) => boolean;
}

export type TransitionCause = { kind: 'event'; eventId: string } | { kind: 'tick' };

/** A (rule, key) whose condition became true (`firing`) or false (cleared). */
export interface Transition {
  ruleId: string;
  groupKey: string;
  firing: boolean;
  /** The aggregate at that evaluation; null when undefined (avg/min/max of no value). */
  value: number | null;
  windowStart: number;
  windowEnd: number;
  /** Ids of events in the window, newest first, at most 100; [] when clearing. */
  eventIds: string[];
  cause: TransitionCause;
}

/** `refused`: a new key of a rule that already tracks `maxKeysPerRule` keys. */
export type EventOutcome = 'applied' | 'late' | 'future' | 'refused';

export interface RuleOutcome {
  ruleId: string;
  outcome: EventOutcome;
}

/** Read-only: an offer that changed nothing returns shared, frozen lists. */
export interface OfferResult {
  readonly transitions: readonly Transition[];
  /** One entry per rule the event matched, in rule order (shared, frozen objects). */
  readonly outcomes: readonly Readonly<RuleOutcome>[];
}

export interface EngineStats {
  rules: number;
  keys: number;
  /** Retained timestamps, slots and accumulators: the "window state size" gauge. */
  stateEntries: number;
}

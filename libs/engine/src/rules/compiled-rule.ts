import { AlertRule, evaluatesAlike, Operator } from '@app/contracts';
import { EventOutcome, OfferResult, RuleOutcome, Transition } from '../engine-types';
import type { KeyState } from '../keys/key-state';
import { BlockStore } from '../windows/block-store';
import { WindowGeometry } from '../windows/key-window';
import { createGeometry } from '../windows/window-geometry';
import { holdsOnEmptyWindow, isMonotone } from './condition';
import { compileGroupKey, GroupKeyOf, WHOLE_RULE_KEY } from './group-key';
import { RuleMatcher } from './rule-matcher';

/** An event's outcome for one rule, as an index into the rule's outcome objects. */
export type Outcome = 0 | 1 | 2 | 3;
export const APPLIED: Outcome = 0;
export const LATE: Outcome = 1;
export const FUTURE: Outcome = 2;
export const REFUSED: Outcome = 3;
const OUTCOME_NAMES: readonly EventOutcome[] = ['applied', 'late', 'future', 'refused'];

/** The transitions of an offer that changed nothing. */
export const NONE: readonly Transition[] = Object.freeze([]);
/** The result of an offer no rule matched. */
export const NOTHING: OfferResult = Object.freeze({
  transitions: NONE,
  outcomes: Object.freeze([]),
});

/** A rule with everything evaluation needs precomputed, and its keys. */
export class CompiledRule {
  readonly matcher: RuleMatcher;
  readonly groupKeyOf: GroupKeyOf;
  readonly geometry: WindowGeometry;
  readonly monotone: boolean;
  /** The condition, which a replacement that keeps the windows does not change. */
  readonly operator: Operator;
  readonly threshold: number;
  readonly holdsWhenEmpty: boolean;
  /** `forSeconds` in ms: how long the condition must hold before the key fires (0: at once). */
  readonly forMs: number;
  /** The first instant whose window is complete: before it only monotone conditions count. */
  readonly completeFrom: number;
  /** Events before the rule's activation never count (-Infinity: no bound). */
  readonly activeFrom: number;
  /** When its evaluation started, but never before its activation. */
  readonly since: number;
  readonly keys = new Map<string, KeyState>();
  /** Keys forgotten at ticks since the caller last took the count (metrics). */
  evictedKeys = 0;
  /** One frozen object per outcome: offer() reports them for every matching rule and event. */
  readonly outcomes: readonly Readonly<RuleOutcome>[];
  /** offer()'s whole result when this rule alone matched and nothing changed, per outcome. */
  readonly alone: readonly OfferResult[];

  constructor(
    public rule: AlertRule,
    /** Insertion order: transitions are reported rule by rule in this order. */
    readonly order: number,
    since: number,
    /** Where its keys' windows keep their numbers: the engine's, shared by all its rules. */
    readonly store: BlockStore = new BlockStore(),
  ) {
    this.activeFrom = rule.activeFrom === undefined ? -Infinity : Date.parse(rule.activeFrom);
    this.since = Math.max(since, this.activeFrom);
    this.matcher = new RuleMatcher(rule.match);
    this.groupKeyOf = compileGroupKey(rule.groupBy);
    this.geometry = createGeometry(rule.window, rule.condition);
    this.monotone = isMonotone(rule.condition);
    this.operator = rule.condition.operator;
    this.threshold = rule.condition.threshold;
    this.holdsWhenEmpty = holdsOnEmptyWindow(rule.condition);
    this.forMs = (rule.forSeconds ?? 0) * 1000;
    this.completeFrom = this.geometry.completeFrom(this.since);
    this.outcomes = OUTCOME_NAMES.map((outcome) => Object.freeze({ ruleId: rule.id, outcome }));
    this.alone = this.outcomes.map((outcome) =>
      Object.freeze({ transitions: NONE, outcomes: Object.freeze([outcome]) }),
    );
  }

  /** The `*` key of a `groupBy: none` rule exists as long as the rule: it is never evicted. */
  isPermanentKey(key: string): boolean {
    return key === WHOLE_RULE_KEY && this.rule.groupBy === 'none';
  }

  createKey(key: string): KeyState {
    const state = this.geometry.createKey(this, key, this.isPermanentKey(key));
    this.keys.set(key, state);
    return state;
  }

  forgetKey(state: KeyState): void {
    this.keys.delete(state.key);
    state.release();
  }

  forgetAllKeys(): void {
    // Each key gives its blocks back, so every chunk empties and goes to the spare ones, and a
    // late write through a forgotten key goes nowhere instead of into a chunk another rule uses.
    for (const state of this.keys.values()) state.release();
    this.keys.clear();
  }
}

/**
 * Whether a replacement can keep the window state: it evaluates the same way and counts from
 * the same activation.
 */
export function keepsWindows(a: AlertRule, b: AlertRule): boolean {
  return evaluatesAlike(a, b) && a.activeFrom === b.activeFrom;
}

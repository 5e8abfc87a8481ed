import { AlertRule } from '@app/contracts';
import { EventOutcome, RuleOutcome } from '../engine-types';
import { KeyState } from '../keys/key-state';
import { WindowGeometry } from '../windows/key-window';
import { createGeometry } from '../windows/window-geometry';
import { holdsOnEmptyWindow, isMonotone } from './condition';
import { compileGroupKey, GroupKeyOf, WHOLE_RULE_KEY } from './group-key';
import { RuleMatcher } from './rule-matcher';

/** A rule with everything evaluation needs precomputed, and its keys. */
export class CompiledRule {
  readonly matcher: RuleMatcher;
  readonly groupKeyOf: GroupKeyOf;
  readonly geometry: WindowGeometry;
  readonly monotone: boolean;
  readonly holdsWhenEmpty: boolean;
  /** The first instant whose window is complete: before it only monotone conditions count. */
  readonly completeFrom: number;
  readonly keys = new Map<string, KeyState>();
  /** Keys forgotten at ticks since the caller last took the count (metrics). */
  evictedKeys = 0;
  /** One frozen object per outcome: offer() reports them for every matching rule and event. */
  readonly outcomes: Readonly<Record<EventOutcome, Readonly<RuleOutcome>>>;

  constructor(
    public rule: AlertRule,
    /** Insertion order: transitions are reported rule by rule in this order. */
    readonly order: number,
    readonly since: number,
  ) {
    this.matcher = new RuleMatcher(rule.match);
    this.groupKeyOf = compileGroupKey(rule.groupBy);
    this.geometry = createGeometry(rule.window, rule.condition);
    this.monotone = isMonotone(rule.condition);
    this.holdsWhenEmpty = holdsOnEmptyWindow(rule.condition);
    this.completeFrom = this.geometry.completeFrom(since);
    const outcome = (kind: EventOutcome) => Object.freeze({ ruleId: rule.id, outcome: kind });
    this.outcomes = {
      applied: outcome('applied'),
      late: outcome('late'),
      future: outcome('future'),
      refused: outcome('refused'),
    };
  }

  /** The `*` key of a `groupBy: none` rule exists as long as the rule: it is never evicted. */
  isPermanentKey(key: string): boolean {
    return key === WHOLE_RULE_KEY && this.rule.groupBy === 'none';
  }

  createKey(key: string): KeyState {
    const state = new KeyState(this, key, this.geometry.createWindow());
    this.keys.set(key, state);
    return state;
  }
}

/** Whether two rules evaluate the same way, so a replacement can keep the window state. */
export function evaluatesAlike(a: AlertRule, b: AlertRule): boolean {
  return evaluationIdentity(a) === evaluationIdentity(b);
}

function evaluationIdentity(rule: AlertRule): string {
  const { match, groupBy, window, condition } = rule;
  return JSON.stringify([
    [...match.types].sort(),
    [...match.sources].sort(),
    match.minSeverity,
    groupBy,
    window.kind,
    window.seconds,
    condition.aggregate,
    condition.operator,
    condition.threshold,
  ]);
}

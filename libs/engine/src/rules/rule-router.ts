import { AlertRule } from '@app/contracts';
import { EngineEvent } from '../engine-types';
import { CompiledRule, keepsWindows } from './compiled-rule';
import { RuleIndex } from './rule-index';

/** One rule an event belongs to, and its group key under that rule. */
export interface RoutedMatch {
  rule: AlertRule;
  groupKey: string;
}

/**
 * Which rules an event belongs to and under which group key, decided exactly as AlertEngine
 * decides it (type, source, severity, activation), without windows: for a replica that only
 * passes matches on to the replica holding their windows.
 */
export class RuleRouter {
  private readonly rules = new Map<string, CompiledRule>();
  private readonly index = new RuleIndex();
  private nextOrder = 0;

  /**
   * Adds or replaces a rule. Like AlertEngine.setRule, returns true when the rule starts over
   * enabled (new, re-enabled, or evaluating differently): its matches are made anew.
   */
  setRule(rule: AlertRule): boolean {
    const existing = this.rules.get(rule.id);
    const startsOver =
      rule.enabled && !(existing && existing.rule.enabled && keepsWindows(existing.rule, rule));
    // The matching does not depend on when evaluation started: -Infinity for `since`.
    this.rules.set(rule.id, new CompiledRule(rule, existing?.order ?? this.nextOrder++, -Infinity));
    this.index.rebuild(this.rules.values());
    return startsOver;
  }

  deleteRule(ruleId: string): void {
    if (!this.rules.delete(ruleId)) return;
    this.index.rebuild(this.rules.values());
  }

  /** The enabled rules the event belongs to, in rule order, with its key under each. */
  route(event: EngineEvent): RoutedMatch[] {
    const matches: RoutedMatch[] = [];
    for (const rule of this.index.rulesForType(event.type)) {
      if (event.occurredAt < rule.activeFrom || !rule.matcher.acceptsOrigin(event)) continue;
      matches.push({ rule: rule.rule, groupKey: event.groupKey ?? rule.groupKeyOf(event) });
    }
    return matches;
  }
}

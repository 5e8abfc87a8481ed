import { AlertRule } from '@app/contracts';

export type RuleChange = { ruleId: string; rule: AlertRule | null };

/**
 * The effective rules: predefined ones from the file, overridden by whatever the compacted
 * `alert-rules` topic says for the same id (a newer version, or a tombstone that deletes it).
 * Pure bookkeeping, so the precedence is unit-tested without Kafka.
 */
export class RuleSet {
  private readonly fromFile = new Map<string, AlertRule>();
  /** null = deleted by a tombstone. */
  private readonly fromTopic = new Map<string, AlertRule | null>();

  loadFile(rules: readonly AlertRule[]): RuleChange[] {
    return rules.map((rule) => {
      this.fromFile.set(rule.id, rule);
      return { ruleId: rule.id, rule: this.get(rule.id) };
    });
  }

  applyTopic(ruleId: string, rule: AlertRule | null): RuleChange {
    this.fromTopic.set(ruleId, rule);
    return { ruleId, rule: this.get(ruleId) };
  }

  get(ruleId: string): AlertRule | null {
    if (this.fromTopic.has(ruleId)) return this.fromTopic.get(ruleId) ?? null;
    return this.fromFile.get(ruleId) ?? null;
  }

  all(): AlertRule[] {
    const ids = new Set([...this.fromFile.keys(), ...this.fromTopic.keys()]);
    return [...ids].map((id) => this.get(id)).filter((rule): rule is AlertRule => rule !== null);
  }
}

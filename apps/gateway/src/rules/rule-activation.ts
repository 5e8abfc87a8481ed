import { AlertRule, evaluatesAlike } from '@app/contracts';

/**
 * Stamps a rule's activation (SEMANTICS.md, "Rule activation"): a rule counts the events that
 * occur from the moment it was created, re-enabled, or changed so that it evaluates
 * differently; any other change (name, severity, channels) keeps its activation. An
 * `activeFrom` a client sends is replaced: the gateway's clock decides when a rule started.
 */
export function withActivation(rule: AlertRule, previous: AlertRule | null, now: Date): AlertRule {
  const startsOver =
    previous === null || !evaluatesAlike(previous, rule) || (!previous.enabled && rule.enabled);
  const activated: AlertRule = { ...rule };
  delete activated.activeFrom;
  const activeFrom = startsOver ? now.toISOString() : previous.activeFrom;
  return activeFrom === undefined ? activated : { ...activated, activeFrom };
}

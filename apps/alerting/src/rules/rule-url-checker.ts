import { AlertRule } from '@app/contracts';

/** Checks the places a rule's channels would send to; returns reasons (empty = acceptable). */
export abstract class RuleUrlChecker {
  abstract check(rule: AlertRule): Promise<string[]>;
}

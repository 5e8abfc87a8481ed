import { AlertRule } from '@app/contracts';
import { AlertEngine } from '@app/engine';
import { AlertingConfig } from '../alerting.config';

/**
 * A fresh engine with the configured limits and every rule in force, counting events from
 * `since` (a rebuild's look-back instant). `hasOpenIncident` decides which firing keys stay.
 */
export function evaluationEngine(
  config: Pick<AlertingConfig, 'graceMs' | 'maxFutureSkewMs' | 'keyIdleTtlMs' | 'maxKeysPerRule'>,
  rules: readonly AlertRule[],
  since: number,
  hasOpenIncident: (ruleId: string, groupKey: string) => boolean,
): AlertEngine {
  const engine = new AlertEngine({
    graceMs: config.graceMs,
    maxFutureSkewMs: config.maxFutureSkewMs,
    idleKeyTtlMs: config.keyIdleTtlMs,
    maxKeysPerRule: config.maxKeysPerRule,
    // A firing key nobody needs (no incident open: suppressed, resolved by hand) goes as
    // soon as its window is empty, not after the idle TTL.
    holdsFiringKey: hasOpenIncident,
  });
  for (const rule of rules) engine.setRule(rule, since);
  return engine;
}

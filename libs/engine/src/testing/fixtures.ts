import { AlertRule, RuleCondition, RuleMatch, RuleWindow } from '@app/contracts';
import { EngineEvent, EngineOptions } from '../engine-types';

/** A whole minute (and so a whole 1, 2, 3, 5, 10 and 60 s), so boundaries read plainly. */
export const T0 = 1_700_000_040_000;
export const HOUR = 3_600_000;

export const OPTIONS: EngineOptions = { graceMs: 0, maxFutureSkewMs: 1000, idleKeyTtlMs: HOUR };

export interface RuleOverrides extends Partial<Omit<AlertRule, 'match' | 'window' | 'condition'>> {
  match?: Partial<RuleMatch>;
  window?: Partial<RuleWindow>;
  condition?: Partial<RuleCondition>;
}

export function makeRule(overrides: RuleOverrides = {}): AlertRule {
  const { match, window, condition, ...rest } = overrides;
  return {
    id: 'rule-1',
    name: 'test rule',
    description: '',
    enabled: true,
    groupBy: 'source',
    severity: 'high',
    cooldownSeconds: 0,
    autoResolve: true,
    channels: [{ type: 'console' }],
    ...rest,
    match: { types: ['payment.exception'], sources: [], minSeverity: 'low', ...match },
    window: { kind: 'sliding', seconds: 60, ...window },
    condition: { aggregate: 'count', operator: '>', threshold: 2, ...condition },
  };
}

let nextId = 0;

export function makeEvent(overrides: Partial<EngineEvent> = {}): EngineEvent {
  nextId++;
  return {
    id: `event-${nextId}`,
    type: 'payment.exception',
    source: 'api',
    severity: 'high',
    occurredAt: T0,
    value: null,
    payload: null,
    ...overrides,
  };
}

/**
 * The alerting benchmarks' workload: 99 background rules across every window kind and aggregate
 * (plus a probe rule), and events from KEYS sources, each source always of one type, so there
 * are exactly KEYS (rule, source) keys. Shared by `bench:alerting` and
 * `bench:engine-instructions`, so both measure the same traffic.
 */
import { randomUUID } from 'node:crypto';
import { AlertRule, decodeRule } from '@app/contracts';
import { EngineEvent } from '@app/engine';

const BACKGROUND_RULES = 99;

/**
 * 99 rules that never fire (thresholds out of reach, so the run measures evaluation, not
 * notification) across every window kind and aggregate, plus one probe rule that fires on
 * every probe event: its incidents time the publish-to-incident path.
 */
export function benchRules(): AlertRule[] {
  const shapes = [
    {
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 5000 },
    },
    {
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'avg', operator: '>', threshold: 1e9 },
    },
    {
      window: { kind: 'tumbling', seconds: 60 },
      condition: { aggregate: 'sum', operator: '>', threshold: 1e12 },
    },
  ];
  const specs = Array.from({ length: BACKGROUND_RULES }, (_, i) => ({
    id: `bench-${i}`,
    name: `bench rule ${i}`,
    match: { types: [`bench.t${i}`] },
    ...shapes[i % shapes.length],
  }));
  specs.push({
    id: 'probe',
    name: 'probe',
    match: { types: ['bench.probe'] },
    window: { kind: 'sliding', seconds: 60 },
    condition: { aggregate: 'count', operator: '>=', threshold: 1 },
  });
  return specs.map((spec) => {
    const decoded = decodeRule({ ...spec, cooldownSeconds: 0, channels: [] });
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    return decoded.rule;
  });
}

/**
 * An event id as the service gets it: a string of its own, parsed from JSON. (A string from
 * randomUUID() keeps a much larger string alive in V8, which would inflate memory per key.)
 */
const freshId = (): string => JSON.parse(`"${randomUUID()}"`) as string;

/** Source s always sends type s % 99, so there are exactly `keys` (rule, source) keys. */
export function backgroundEvent(index: number, occurredAt: number, keys: number): EngineEvent {
  const sourceIndex = index % keys;
  return {
    id: freshId(),
    type: `bench.t${sourceIndex % BACKGROUND_RULES}`,
    source: `src-${sourceIndex}`,
    severity: 'medium',
    occurredAt,
    value: index % 100,
    payload: null,
  };
}

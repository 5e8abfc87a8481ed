import { Registry } from 'prom-client';
import { decodeRule } from '@app/contracts';
import { AlertEngine } from '@app/engine';
import { AlertingMetrics } from './alerting.metrics';

const T0 = Date.UTC(2026, 11, 7, 12);

async function gaugeValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values[0].value;
}

describe('AlertingMetrics window gauges', () => {
  it('read keys, state entries and window array bytes when scraped, from a real engine', async () => {
    const registry = new Registry();
    const metrics = new AlertingMetrics(registry);
    const engine = new AlertEngine({
      graceMs: 0,
      maxFutureSkewMs: 60_000,
      idleKeyTtlMs: 3_600_000,
    });
    const decoded = decodeRule({
      id: 'r',
      name: 'r',
      match: { types: ['t'] },
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 1000 },
      cooldownSeconds: 0,
      channels: [],
    });
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    engine.setRule(decoded.rule, T0 - 3_600_000);
    metrics.windowStats = () => ({
      ...engine.stats(),
      arrayBytes: engine.windowArrayBytes(),
    });
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
    for (let i = 0; i < 100; i++) {
      const event = {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 't',
        source: `s${i}`,
        severity: 'low' as const,
        occurredAt: T0 + i,
        value: null,
        payload: null,
      };
      engine.offer(event, T0 + 100);
    }
    expect(await gaugeValue(registry, 'eventmon_alerting_window_keys')).toBe(100);
    expect(await gaugeValue(registry, 'eventmon_alerting_window_state_entries')).toBe(100);
    const bytes = await gaugeValue(registry, 'eventmon_alerting_window_array_bytes');
    expect(bytes).toBe(engine.windowArrayBytes());
    // Each key's block: 4 clocks, 4 times, 4 ids of 2 numbers, 8 bytes a number.
    expect(bytes).toBeGreaterThanOrEqual(100 * 16 * 8);
    engine.deleteRule('r');
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
  });

  it('reads zero before the evaluation service has set its source', async () => {
    const registry = new Registry();
    new AlertingMetrics(registry);
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { AlertEngine } from '@app/engine';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from '@app/engine/testing/fixtures';
import { AlertingMetrics } from './alerting.metrics';

async function gaugeValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values[0].value;
}

describe('AlertingMetrics window gauges', () => {
  it('read keys, state entries and window array bytes when scraped, from a real engine', async () => {
    const registry = new Registry();
    const metrics = new AlertingMetrics(registry);
    const engine = new AlertEngine(OPTIONS);
    const rule = makeRule({ condition: { operator: '>=', threshold: 1000 } });
    engine.setRule(rule, T0 - HOUR);
    metrics.windowStats = () => ({
      ...engine.stats(),
      arrayBytes: engine.windowArrayBytes(),
    });
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
    for (let i = 0; i < 100; i++) {
      engine.offer(makeEvent({ id: randomUUID(), source: `s${i}`, occurredAt: T0 + i }), T0 + 100);
    }
    expect(await gaugeValue(registry, 'eventmon_alerting_window_keys')).toBe(100);
    expect(await gaugeValue(registry, 'eventmon_alerting_window_state_entries')).toBe(100);
    const bytes = await gaugeValue(registry, 'eventmon_alerting_window_array_bytes');
    expect(bytes).toBe(engine.windowArrayBytes());
    // Each key's block: 4 clocks, 4 times, 4 ids of 2 numbers, 8 bytes a number.
    expect(bytes).toBeGreaterThanOrEqual(100 * 16 * 8);
    engine.deleteRule(rule.id);
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
  });

  it('reads zero before the evaluation service has set its source', async () => {
    const registry = new Registry();
    new AlertingMetrics(registry);
    expect(await gaugeValue(registry, 'eventmon_alerting_window_array_bytes')).toBe(0);
  });
});

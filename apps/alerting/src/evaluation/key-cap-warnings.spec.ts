import { Registry } from 'prom-client';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { KeyCapWarnings } from './key-cap-warnings';

describe('KeyCapWarnings', () => {
  it('counts every refused event and names each rule at most once a minute', async () => {
    const registry = new Registry();
    const logger = new RecordingLogger();
    const warnings = new KeyCapWarnings(30, new AlertingMetrics(registry), logger);
    warnings.refused('storm', 0);
    warnings.refused('storm', 59_999);
    warnings.refused('other', 10);
    warnings.refused('storm', 60_000);

    expect(logger.entries.map((e) => [e.level, e.message])).toEqual([
      [
        'warn',
        'rule storm tracks 30 group keys (ALERTING_MAX_KEYS_PER_RULE): events for new keys are not evaluated',
      ],
      [
        'warn',
        'rule other tracks 30 group keys (ALERTING_MAX_KEYS_PER_RULE): events for new keys are not evaluated',
      ],
      [
        'warn',
        'rule storm tracks 30 group keys (ALERTING_MAX_KEYS_PER_RULE): events for new keys are not evaluated',
      ],
    ]);
    const refused = await registry.getSingleMetric('eventmon_alerting_keys_refused_total')!.get();
    expect(refused.values.map((v) => [v.labels.rule, v.value])).toEqual([
      ['storm', 3],
      ['other', 1],
    ]);
  });
});

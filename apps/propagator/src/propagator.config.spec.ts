import { ConfigError, loadConfig } from '@app/config';
import { Mode, PropagatorConfig, runPlan } from './propagator.config';

const load = (env: Record<string, string>) => loadConfig(PropagatorConfig, { env });

describe('PropagatorConfig', () => {
  it('defaults to interval mode with 7 sources, host metrics and port 3003', () => {
    const config = load({});
    expect(config).toMatchObject({
      port: 3003,
      sources: 7,
      intervalMs: 1000,
      eventsTopicPartitions: 6,
      rate: undefined,
      count: undefined,
      topic: undefined,
    });
    expect(config.eventsFile).toMatch(/apps\/propagator\/events\.sample\.json$/);
    expect(runPlan(config)).toEqual({
      mode: Mode.Interval,
      rate: 0,
      count: undefined,
      hostMetrics: true,
    });
  });

  it('switches to rate mode when a rate or a count is set, without host metrics unless asked', () => {
    expect(runPlan(load({ PROPAGATOR_COUNT: '10' }))).toEqual({
      mode: Mode.Rate,
      rate: 0,
      count: 10,
      hostMetrics: false,
    });
    expect(runPlan(load({ PROPAGATOR_RATE: '0.5', PROPAGATOR_HOST_METRICS: 'yes' }))).toEqual({
      mode: Mode.Rate,
      rate: 0.5,
      count: undefined,
      hostMetrics: true,
    });
    expect(runPlan(load({ PROPAGATOR_HOST_METRICS: 'off' })).hostMetrics).toBe(false);
  });

  it('reads every setting from its environment variable', () => {
    expect(
      load({
        PROPAGATOR_PORT: '0',
        PROPAGATOR_EVENTS_FILE: '/tmp/e.json',
        PROPAGATOR_INTERVAL_MS: '250',
        PROPAGATOR_SOURCES: '20',
        PROPAGATOR_RATE: '20000',
        PROPAGATOR_COUNT: '1000000',
        PROPAGATOR_TOPIC: 'load-test.events',
        PROPAGATOR_HOST_METRICS_INTERVAL_MS: '500',
        PROPAGATOR_DISK_PATH: '/tmp',
        PROPAGATOR_MAX_IN_FLIGHT: '8',
        PROPAGATOR_WORKERS: '1',
        EVENTS_TOPIC_PARTITIONS: '12',
      }),
    ).toMatchObject({
      port: 0,
      eventsFile: '/tmp/e.json',
      intervalMs: 250,
      sources: 20,
      rate: 20000,
      count: 1000000,
      topic: 'load-test.events',
      hostMetricsIntervalMs: 500,
      diskPath: '/tmp',
      maxInFlight: 8,
      workers: 1,
      eventsTopicPartitions: 12,
    });
  });

  it('names every bad value at once', () => {
    let error: unknown;
    try {
      load({
        PROPAGATOR_SOURCES: '0',
        PROPAGATOR_RATE: 'fast',
        PROPAGATOR_TOPIC: 'bad topic',
        PROPAGATOR_HOST_METRICS: 'maybe',
        PROPAGATOR_SOURCE_PREFIX: 'client\n',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PROPAGATOR_SOURCES: sources must not be less than 1/);
    expect(problems).toMatch(/PROPAGATOR_RATE: .*rate must be a number/);
    expect(problems).toMatch(/PROPAGATOR_TOPIC: must be 1 to 249 letters/);
    expect(problems).toMatch(/PROPAGATOR_HOST_METRICS: hostMetrics must be a boolean/);
    expect(problems).toMatch(/PROPAGATOR_SOURCE_PREFIX: may contain only/);
  });
});

import { ConfigError, loadConfig } from '@app/config';
import { ConsumerConfig } from './consumer.config';

const SECRET = { EVENT_ID_SECRET: 'consumer-config-spec-secret' };

describe('ConsumerConfig notifications group', () => {
  const groupOf = (env: Record<string, string>) =>
    loadConfig(ConsumerConfig, { env: { ...SECRET, ...env } }).effectiveNotificationsGroupId();

  it('defaults to eventmon-consumer-notifications', () => {
    expect(groupOf({})).toBe('eventmon-consumer-notifications');
  });

  it('follows CONSUMER_GROUP_ID, so deployments with their own group ids stay apart', () => {
    expect(groupOf({ CONSUMER_GROUP_ID: 'staging-consumer' })).toBe(
      'staging-consumer-notifications',
    );
  });

  it('takes CONSUMER_NOTIFICATIONS_GROUP_ID when set', () => {
    expect(
      groupOf({ CONSUMER_GROUP_ID: 'a', CONSUMER_NOTIFICATIONS_GROUP_ID: 'incident-store' }),
    ).toBe('incident-store');
  });
});

describe('ConsumerConfig EVENT_ID_SECRET', () => {
  it('refuses to start without one, saying which variable to set and how', () => {
    for (const env of [{}, { EVENT_ID_SECRET: 'too-short' }]) {
      expect(() => loadConfig(ConsumerConfig, { env })).toThrow(ConfigError);
      expect(() => loadConfig(ConsumerConfig, { env })).toThrow(
        /EVENT_ID_SECRET must be set to a random secret of at least 16 characters/,
      );
    }
  });

  it('takes a secret of 16 characters or more', () => {
    expect(loadConfig(ConsumerConfig, { env: SECRET }).eventIdSecret).toBe(SECRET.EVENT_ID_SECRET);
  });
});

describe('ConsumerConfig retention', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(ConsumerConfig, { env: { ...SECRET, ...env } });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('defaults to events 30 days, counts and incidents 400, deliveries 90, 7 days ahead, hourly', () => {
    expect(loadConfig(ConsumerConfig, { env: SECRET })).toMatchObject({
      eventsRetentionDays: 30,
      countsRetentionDays: 400,
      incidentsRetentionDays: 400,
      deliveriesRetentionDays: 90,
      partitionsAheadDays: 7,
      retentionIntervalSeconds: 3600,
    });
  });

  it('takes 0 for ever, and refuses negative, fractional and unparsable days', () => {
    expect(
      problemsOf({
        EVENTS_RETENTION_DAYS: '0',
        COUNTS_RETENTION_DAYS: '0',
        DELIVERIES_RETENTION_DAYS: '0',
      }),
    ).toEqual([]);
    expect(problemsOf({ INCIDENTS_RETENTION_DAYS: '-1' })).toEqual([
      'INCIDENTS_RETENTION_DAYS: incidentsRetentionDays must not be less than 0',
    ]);
    expect(problemsOf({ EVENTS_PARTITIONS_AHEAD_DAYS: '1.5' })).toEqual([
      'EVENTS_PARTITIONS_AHEAD_DAYS: partitionsAheadDays must be an integer number',
    ]);
    expect(problemsOf({ DELIVERIES_RETENTION_DAYS: 'ninety' })).toHaveLength(1);
  });

  it('keeps the hour and day counts at least as long as the events', () => {
    const problem =
      'COUNTS_RETENTION_DAYS: must be 0 (for ever) or at least EVENTS_RETENTION_DAYS, which must not be 0 then';
    expect(problemsOf({ EVENTS_RETENTION_DAYS: '60', COUNTS_RETENTION_DAYS: '30' })).toEqual([
      problem,
    ]);
    // Events kept for ever: the counts (400 days unless set) must be too.
    expect(problemsOf({ EVENTS_RETENTION_DAYS: '0' })).toEqual([
      problem.replace('COUNTS_RETENTION_DAYS:', 'COUNTS_RETENTION_DAYS (not set):'),
    ]);
    expect(problemsOf({ EVENTS_RETENTION_DAYS: '60', COUNTS_RETENTION_DAYS: '60' })).toEqual([]);
  });
});

describe('ConsumerConfig fetch and memory bounds', () => {
  const load = (env: Record<string, string>) =>
    loadConfig(ConsumerConfig, { env: { ...SECRET, ...env } });

  it('bounds a fetch and the heap growth by default', () => {
    const config = load({});
    expect(config.maxBytesPerPartition).toBe(1024 * 1024);
    expect(config.maxFetchBytes).toBe(6 * 1024 * 1024);
    expect(config.heapGrowthPercent).toBe(50);
  });

  it('takes CONSUMER_MAX_FETCH_BYTES and CONSUMER_HEAP_GROWTH_PERCENT, 0 leaving V8 alone', () => {
    const config = load({ CONSUMER_MAX_FETCH_BYTES: '4194304', CONSUMER_HEAP_GROWTH_PERCENT: '0' });
    expect(config.maxFetchBytes).toBe(4 * 1024 * 1024);
    expect(config.heapGrowthPercent).toBe(0);
  });

  it('refuses a fetch smaller than 64 KiB and a negative growth', () => {
    expect(() => load({ CONSUMER_MAX_FETCH_BYTES: '1000' })).toThrow(ConfigError);
    expect(() => load({ CONSUMER_HEAP_GROWTH_PERCENT: '-5' })).toThrow(ConfigError);
  });
});

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

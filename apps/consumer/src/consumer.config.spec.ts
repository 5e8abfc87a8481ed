import { loadConfig } from '@app/config';
import { ConsumerConfig } from './consumer.config';

describe('ConsumerConfig notifications group', () => {
  const groupOf = (env: Record<string, string>) =>
    loadConfig(ConsumerConfig, { env }).effectiveNotificationsGroupId();

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

import { AppHarness } from './app-harness';
import { kafkaBrokers } from './integration-env';

/**
 * A consumer process on the test broker, reading `<prefix>events` as group
 * `<prefix>consumer`, with its HTTP server on a free loopback port. It keeps everything for
 * ever: tests write events, incidents and deliveries at fixed dates, which its retention pass
 * would otherwise start deleting at each start-up once those dates are 30 days old.
 */
export function startConsumer(
  prefix: string,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): AppHarness {
  return new AppHarness('consumer', {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    CONSUMER_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    CONSUMER_GROUP_ID: `${prefix}consumer`,
    EVENTS_RETENTION_DAYS: '0',
    COUNTS_RETENTION_DAYS: '0',
    INCIDENTS_RETENTION_DAYS: '0',
    DELIVERIES_RETENTION_DAYS: '0',
    ...extraEnv,
  }).start();
}

import { AppHarness } from './app-harness';
import { kafkaBrokers } from './integration-env';

/**
 * A consumer process on the test broker, reading `<prefix>events` as group
 * `<prefix>consumer`, with its HTTP server on a free loopback port.
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
    ...extraEnv,
  }).start();
}

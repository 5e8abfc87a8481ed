/**
 * Integration tests run against the real broker and database that `npm test` starts
 * (tools/stack/cli.ts test) and passes in through the environment.
 */
export function requiredEnv(name: 'KAFKA_BROKERS' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration tests with \`npm test\`, which starts Kafka and PostgreSQL`,
    );
  }
  return value;
}

export const kafkaBrokers = (): string[] => requiredEnv('KAFKA_BROKERS').split(',');

/**
 * The EVENT_ID_SECRET of every app a test starts (EVENT_ID_SECRET when set), so the consumer
 * and alerting agree on derived ids and a test can compute them.
 */
export const testEventIdSecret = (): string =>
  process.env.EVENT_ID_SECRET || 'integration-tests-event-id-secret';

/** A short random suffix so every test gets its own topics, group ids and database. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

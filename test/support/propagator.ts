import { AppHarness } from './app-harness';
import { kafkaBrokers } from './integration-env';

/** A propagator process on the test broker and `prefix`, its HTTP server on a free loopback port. */
export function startPropagator(
  prefix: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): AppHarness {
  return new AppHarness(
    'propagator',
    {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      PROPAGATOR_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      ...extraEnv,
    },
    args,
  ).start();
}

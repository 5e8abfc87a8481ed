import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { freePort } from '../../tools/infra/ports';

/**
 * A Kafka broker of the test's own on free ports, started (the shared test broker must not
 * be killed under other tests): for the tests that kill and restart it. The caller stops it.
 */
export async function startOwnBroker(dataDir: string): Promise<LocalKafkaBroker> {
  const broker = new LocalKafkaBroker({
    port: await freePort(),
    controllerPort: await freePort(),
    dataDir,
  });
  await broker.start();
  return broker;
}

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { kafkaConnectionFromEnv, kafkaConnectionOptions } from '@app/kafka';
import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { freePort } from '../../tools/infra/ports';
import { startInfrastructure } from '../../tools/stack/infrastructure';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { v1Event } from '../support/events';
import { uniqueSuffix } from '../support/integration-env';
import { produce } from '../support/kafka';

const password = () => randomBytes(12).toString('hex');

/**
 * Services and the stack's own client against a cluster that requires TLS and SASL: the
 * local broker with a SASL_SSL listener whose certificate only the test's CA vouches for.
 */
describe('Kafka over SASL_SSL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-kafka-sasl-'));
  const users = { alice: password(), bob: password() };
  // A broker of this test's own (the shared test broker stays PLAINTEXT-only), on ports free
  // now: a fixed port can be held by any process, even as the local end of a connection.
  let broker: LocalKafkaBroker;
  let db: ScratchDatabase;
  let app: AppHarness | undefined;
  let prefix: string;

  beforeAll(async () => {
    broker = new LocalKafkaBroker({
      port: await freePort(),
      controllerPort: await freePort(),
      saslSsl: { port: await freePort(), users },
      dataDir,
      heapMb: 256,
    });
    await broker.start();
    db = await createScratchDatabase('kafka_sasl');
  });

  afterAll(async () => {
    await db?.drop();
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => (prefix = `it-${uniqueSuffix()}-`));

  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  /** The settings a user of a secured cluster gives every service. */
  function securityEnv(mechanism: string, user: string, secret: string): Record<string, string> {
    return {
      KAFKA_BROKERS: broker.saslSslBrokers!,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: broker.tlsCaFile!,
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD: secret,
    };
  }

  function startConsumer(env: Record<string, string>): AppHarness {
    app = new AppHarness('consumer', {
      ...env,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: db.url,
      CONSUMER_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      CONSUMER_GROUP_ID: `${prefix}consumer`,
    }).start();
    return app;
  }

  /** A client built the way every tool builds one, from the same variables. */
  function securedClient(env: Record<string, string>): Kafka {
    return new Kafka({
      clientId: 'sasl-test',
      ...kafkaConnectionOptions(kafkaConnectionFromEnv(env)),
      logLevel: logLevel.NOTHING,
    });
  }

  async function storedCount(): Promise<number> {
    const rows = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE payload->>'note' LIKE $1",
      [`${prefix}%`],
    );
    return Number(rows[0].n);
  }

  function eventsOfThisTest(count: number) {
    return Array.from({ length: count }, (_, i) => {
      const message = v1Event(i);
      const event = JSON.parse(String(message.value)) as { payload: Record<string, unknown> };
      event.payload.note = `${prefix}${i}`;
      return { key: message.key, value: JSON.stringify(event) };
    });
  }

  it('the consumer reads and stores events through SCRAM-SHA-512 over TLS', async () => {
    const env = securityEnv('scram-sha-512', 'alice', users.alice);
    const consumer = startConsumer(env);
    const url = await baseUrlOf(consumer);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const producer = securedClient(env).producer({ idempotent: true });
    await producer.connect();
    try {
      await produce(producer, topicName(Topic.Events, prefix), eventsOfThisTest(200));
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => expect(await storedCount()).toBe(200));
    expect(consumer.output()).not.toContain(users.alice);
  });

  it('a wrong password stops the service at start-up with an authentication error, not logged', async () => {
    const wrong = password();
    const consumer = startConsumer(securityEnv('scram-sha-512', 'alice', wrong));
    expect(await consumer.waitForExit()).toBe(1);
    expect(consumer.output()).toMatch(
      /consumer: failed to start: KafkaJSSASLAuthenticationError: SASL SCRAM SHA512 authentication failed/,
    );
    expect(consumer.output()).not.toContain(wrong);
  });

  it('the propagator publishes through PLAIN over TLS', async () => {
    const env = securityEnv('plain', 'bob', users.bob);
    app = new AppHarness(
      'propagator',
      { ...env, KAFKA_TOPIC_PREFIX: prefix, PROPAGATOR_PORT: '0', HTTP_HOST: '127.0.0.1' },
      ['--rate', '0', '--count', '50'],
    ).start();
    expect(await app.waitForExit()).toBe(0);
    expect(app.output()).toMatch(/published 50 events/);
    expect(app.output()).not.toContain(users.bob);

    const admin = securedClient(securityEnv('scram-sha-512', 'alice', users.alice)).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topicName(Topic.Events, prefix));
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(50);
    } finally {
      await admin.disconnect();
    }
  });

  it("the stack CLI's own client uses the same settings for an external cluster", async () => {
    const start = (env: Record<string, string>) =>
      startInfrastructure({
        repoRoot: '',
        stateDir: dataDir,
        kafkaPort: 0,
        kafkaControllerPort: 0,
        postgresPort: 0,
        externalKafkaBrokers: env.KAFKA_BROKERS,
        externalDatabaseUrl: db.url,
        env,
        log: () => undefined,
      });
    const running = await start(securityEnv('scram-sha-512', 'alice', users.alice));
    expect(running.kafkaOptions.sasl).toMatchObject({ mechanism: 'scram-sha-512' });
    await running.stop();

    const wrong = password();
    const failure = start(securityEnv('scram-sha-512', 'alice', wrong));
    await expect(failure).rejects.toThrow(
      /Kafka at KAFKA_BROKERS=127\.0\.0\.1:\d+ cannot be used: SASL SCRAM SHA512 authentication failed.*check KAFKA_SSL/,
    );
    await expect(failure).rejects.not.toThrow(wrong);
    // Without TLS settings, the TLS listener does not answer a plaintext client.
    const plaintext = securityEnv('scram-sha-512', 'alice', users.alice);
    delete plaintext.KAFKA_SSL;
    delete plaintext.KAFKA_SSL_CA_FILE;
    await expect(start(plaintext)).rejects.toThrow(/cannot be used/);
    // Without the CA the broker's certificate does not verify, unless verification is off.
    const systemCas = securityEnv('scram-sha-512', 'alice', users.alice);
    delete systemCas.KAFKA_SSL_CA_FILE;
    await expect(start(systemCas)).rejects.toThrow(/cannot be used: .*certificate/);
    const unverified = await start({ ...systemCas, KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
    await unverified.stop();
  });
});

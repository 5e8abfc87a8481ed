import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsumerConfig, Kafka, logLevel, Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics, TopicFollower } from '@app/kafka';
import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { eventually } from '../support/eventually';
import { startOwnBroker } from '../support/own-broker';
import { uniqueSuffix } from '../support/integration-env';

/** Longer than the follower's whole retry budget below, so kafkajs gives up for good. */
const DOWN_FOR_MS = 8_000;
/** A message published once the broker is back must reach the follower this soon. */
const RECOVERY_BOUND_MS = 60_000;

/**
 * A TopicFollower (what alerting's rule catalog and the gateway's rules read through) whose
 * kafkajs consumer gives up during a broker outage must resume by itself once the broker is
 * back: a service that keeps running on the rules it had before the outage would never see a
 * rule changed after it. Runs its own broker, which it kills.
 */
describe('a TopicFollower across a broker outage longer than its retry budget', () => {
  const prefix = `it-${uniqueSuffix()}-`;
  const topic = topicName(Topic.AlertRules, prefix);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-follower-restart-'));
  let broker: LocalKafkaBroker;
  let producer: Producer;
  let follower: TopicFollower | undefined;
  const crashes: string[] = [];

  beforeAll(async () => {
    broker = await startOwnBroker(dataDir);
    const admin = new Kafka({
      clientId: 'follower-restart-test',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(admin, [Topic.AlertRules], { prefix });
    producer = admin.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await follower?.stop();
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a message published after the broker came back', async () => {
    // A tiny retry budget, and once the broker is killed every crash final (restart: false):
    // what kafkajs does with a non-retriable error, such as no group coordinator found while
    // the broker restarts. The services' budget (8 retries up to 10 s each) only makes it take
    // minutes to get there.
    let outage = false;
    const client = new Kafka({
      clientId: 'follower-restart-follower',
      brokers: [broker.brokers],
      connectionTimeout: 1000,
      retry: { initialRetryTime: 100, maxRetryTime: 300, retries: 1 },
      logLevel: logLevel.ERROR,
      logCreator:
        () =>
        ({ log }) => {
          if (outage && log.message.startsWith('Crash')) crashes.push(log.message);
        },
    });
    const givesUp = {
      admin: () => client.admin(),
      consumer: (config: ConsumerConfig) =>
        client.consumer({
          ...config,
          retry: { ...config.retry, restartOnFailure: () => Promise.resolve(!outage) },
        }),
    } as unknown as Kafka;
    const received: string[] = [];
    follower = new TopicFollower(givesUp, {
      topic,
      groupPrefix: `${prefix}follower`,
      onMessage: (message) => received.push(message.value?.toString() ?? ''),
      recoveryDelays: { initialMs: 200, maxMs: 2000 },
    });
    await producer.send({ topic, acks: -1, messages: [{ key: 'r', value: 'before' }] });
    await follower.start();
    await eventually(() => expect(received).toContain('before'), { timeoutMs: 30_000 });

    outage = true;
    await broker.kill();
    await new Promise((resolve) => setTimeout(resolve, DOWN_FOR_MS));
    await broker.start();
    await producer.send({ topic, acks: -1, messages: [{ key: 'r', value: 'after' }] });

    await eventually(() => expect(received).toContain('after'), {
      timeoutMs: RECOVERY_BOUND_MS,
    });
    // The outage did make kafkajs give the consumer up (else this proves nothing).
    expect(crashes.length).toBeGreaterThan(0);
    // Re-read from the start by the new consumer, but delivered once.
    expect(received).toEqual(['before', 'after']);
  });
});

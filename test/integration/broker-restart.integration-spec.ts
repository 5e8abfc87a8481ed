import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, Message, Producer } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { liveEvent, ruleRecord, startAlerting } from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { startOwnBroker } from '../support/own-broker';
import { idOf, v1Event } from '../support/events';
import { uniqueSuffix } from '../support/integration-env';
import { scrapeMetric } from '../support/metrics';
import { TopicRecorder } from '../support/topic-recorder';

const EVENTS = 100_000;
const BATCH = 2_000;
/** One marker per batch: the rule's threshold is all of them, so it can only cross once. */
const MARKERS = EVENTS / BATCH;
/** The broker is killed once this many batches are acknowledged: mid-stream on any machine. */
const KILL_AFTER_BATCHES = EVENTS / BATCH / 2;
const DOWN_FOR_MS = 5_000;
/** Everything acknowledged must be stored, and the incident open, this soon after the broker is back. */
const RECOVERY_BOUND_MS = 60_000;

/**
 * A broker SIGKILLed in the middle of a stream and restarted on the same data, as a user
 * trying the product would do it: an outside idempotent producer (acks=all) keeps publishing,
 * and the consumer and alerting must carry on by themselves once the broker is back. Runs
 * its own broker (the shared test broker must not be killed under other tests).
 */
describe('a broker restart in the middle of a stream', () => {
  const prefix = `it-${uniqueSuffix()}-`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-broker-restart-'));
  let broker: LocalKafkaBroker;
  let kafka: Kafka;
  let producer: Producer;
  let db: ScratchDatabase;
  const apps: AppHarness[] = [];

  beforeAll(async () => {
    broker = await startOwnBroker(dataDir);
    kafka = new Kafka({
      clientId: 'broker-restart-test',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      // Like kcat with acks=all: keep retrying through the outage instead of failing sends.
      retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 60 },
    });
    await ensureTopics(kafka, [Topic.Events, Topic.AlertRules, Topic.Notifications], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    db = await createScratchDatabase('broker-restart');
  });

  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const storedRows = async (): Promise<{ rows: number; ids: number }> =>
    (
      await db.query<{ rows: number; ids: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM events',
      )
    )[0];

  function eventBatches(): Message[][] {
    const since = Date.now() - 300_000;
    const batches: Message[][] = [];
    for (let sent = 0; sent < EVENTS; sent += BATCH) {
      const messages: Message[] = Array.from({ length: BATCH - 1 }, (_, i) =>
        v1Event(sent + i, { baseTime: since }),
      );
      messages.push(liveEvent('restart.marker', 'marker-source'));
      batches.push(messages);
    }
    return batches;
  }

  /**
   * Sends every batch once, in order; returns the ids of the events the broker acknowledged.
   * `halfway` is called once KILL_AFTER_BATCHES batches are acknowledged.
   */
  async function publish(batches: Message[][], halfway: () => void): Promise<string[]> {
    const acknowledged: string[] = [];
    for (const [sent, messages] of batches.entries()) {
      await producer.send({ topic: topicName(Topic.Events, prefix), acks: -1, messages });
      acknowledged.push(...messages.map(idOf));
      if (sent + 1 === KILL_AFTER_BATCHES) halfway();
    }
    return acknowledged;
  }

  it('stores every acknowledged event once and opens the incident once, within 60 s of the broker coming back', async () => {
    // A stalled consumer is restarted after 10 s without progress: well inside the bound.
    const env = { KAFKA_BROKERS: broker.brokers, KAFKA_STALL_TIMEOUT_MS: '10000' };
    const consumer = startConsumer(prefix, db.url, env);
    const alerting = startAlerting(prefix, env);
    apps.push(consumer, alerting);
    await baseUrlOf(consumer);
    await baseUrlOf(alerting);
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/));
    await producer.send({
      topic: topicName(Topic.AlertRules, prefix),
      acks: -1,
      messages: [
        ruleRecord({
          id: 'all-markers',
          match: { types: ['restart.marker'] },
          window: { kind: 'sliding', seconds: 900 },
          condition: { aggregate: 'count', operator: '>=', threshold: MARKERS },
          severity: 'high',
          cooldownSeconds: 3600,
        }),
      ],
    });
    const alertingUrl = await baseUrlOf(alerting);
    await eventually(async () =>
      expect(await scrapeMetric(alertingUrl, 'eventmon_alerting_rules_loaded')).toBe(1),
    );

    // Killed by publishing progress, not after a fixed time: on a fast machine a timer let the
    // whole stream through before the kill, and the test then proved nothing.
    let reachedHalfway!: () => void;
    const halfway = new Promise<void>((resolve) => (reachedHalfway = resolve));
    const publishing = publish(eventBatches(), reachedHalfway);
    publishing.catch(() => undefined);
    await Promise.race([halfway, publishing]);
    const atKill = await storedRows();
    await broker.kill();
    const downAt = Date.now();
    // With the broker gone: alive (no dependency I/O), not ready.
    for (const app of [consumer, alerting]) {
      const url = await baseUrlOf(app);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      await eventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(503), {
        timeoutMs: DOWN_FOR_MS,
        intervalMs: 250,
      });
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, downAt + DOWN_FOR_MS - Date.now())),
    );
    await broker.start();
    const backAt = Date.now();
    console.log(`broker killed with ${atKill.rows} rows stored, back after ${DOWN_FOR_MS} ms`);

    const acknowledged = await publishing;
    expect(acknowledged).toHaveLength(EVENTS);
    const left = (): number => Math.max(1000, backAt + RECOVERY_BOUND_MS - Date.now());
    try {
      await eventually(
        async () => expect(await storedRows()).toEqual({ rows: EVENTS, ids: EVENTS }),
        { timeoutMs: left(), intervalMs: 500 },
      );
    } catch (error) {
      console.log(`consumer output (tail):\n${consumer.lines.slice(-60).join('\n')}`);
      throw error;
    }
    const stored = new Set(
      (await db.query<{ id: string }>('SELECT id FROM events')).map((r) => r.id),
    );
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(atKill.rows).toBeLessThan(EVENTS);

    const notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
    try {
      const opened = (): LifecycleMessage[] =>
        notifications
          .json<LifecycleMessage>()
          .filter((m) => m.kind === 'incident.opened' && m.incident.ruleId === 'all-markers');
      try {
        await eventually(() => expect(opened()).toHaveLength(1), {
          timeoutMs: left(),
          intervalMs: 500,
        });
      } catch (error) {
        console.log(`alerting output (tail):\n${alerting.lines.slice(-60).join('\n')}`);
        throw error;
      }
      // Alerting has evaluated everything on the topic: nothing more can open.
      await eventually(async () => expect(await alertingLag()).toBe(0), { timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(opened()).toHaveLength(1);
      expect(opened()[0].incident.value).toBeGreaterThanOrEqual(MARKERS);
    } finally {
      await notifications.stop();
    }
    expect(consumer.running).toBe(true);
    expect(alerting.running).toBe(true);
    for (const app of [consumer, alerting]) {
      const url = await baseUrlOf(app);
      await eventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(200), {
        timeoutMs: 10_000,
      });
    }
  });

  async function alertingLag(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = topicName(Topic.Events, prefix);
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: `${prefix}alerting`,
        topics: [topic],
      });
      const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
      return ends.reduce(
        (lag, end) => lag + Number(end.high) - Math.max(0, at.get(end.partition) ?? 0),
        0,
      );
    } finally {
      await admin.disconnect();
    }
  }
});

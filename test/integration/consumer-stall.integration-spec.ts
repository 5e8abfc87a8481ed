import { Client } from 'pg';
import { Kafka, Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { idOf, v1Event } from '../support/events';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, produce, testKafka } from '../support/kafka';

const STALL_TIMEOUT_MS = 5000;

/**
 * Readiness tells a stalled consumer from an idle one: a consumer whose partitions have lag
 * and whose commits have not moved for KAFKA_STALL_TIMEOUT_MS is reported (group and topic)
 * and restarted in-process; one with nothing to read stays ready however long it waits.
 * The stall is made real by locking the events table, so no batch can finish.
 */
describe('consumer stall detection', () => {
  let kafka: Kafka;
  let producer: Producer;
  let db: ScratchDatabase;
  let app: AppHarness;
  const prefix = `it-${uniqueSuffix()}-`;

  beforeAll(async () => {
    kafka = testKafka();
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    db = await createScratchDatabase('stall');
  });

  afterAll(async () => {
    await app?.stop();
    await producer.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
    await db.drop();
  });

  const readiness = async (url: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: await response.json() };
  };

  it('is ready while idle, 503 naming the group and topic while stalled with lag, and recovers', async () => {
    app = startConsumer(prefix, db.url, {
      KAFKA_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS),
      CONSUMER_SESSION_TIMEOUT_MS: '8000',
    });
    const url = await baseUrlOf(app);
    const topic = topicName(Topic.Events, prefix);
    const first = Array.from({ length: 200 }, (_, i) => v1Event(i));
    await produce(producer, topic, first);
    const count = async (): Promise<number> =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0].n;
    await eventually(async () => expect(await count()).toBe(200));

    // Idle for more than twice the stall timeout: nothing to read is not a stall.
    await new Promise((resolve) => setTimeout(resolve, 2 * STALL_TIMEOUT_MS + 1000));
    expect(await readiness(url)).toMatchObject({ status: 200 });

    const lock = new Client({ connectionString: db.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const second = Array.from({ length: 200 }, (_, i) => v1Event(200 + i));
      await produce(producer, topic, second);

      const stalled = await eventually(
        async () => {
          const answer = await readiness(url);
          expect(answer.status).toBe(503);
          return answer.body as { error: { consumers?: { message: string } } };
        },
        { timeoutMs: 4 * STALL_TIMEOUT_MS },
      );
      expect(stalled.error.consumers?.message).toContain(`group ${prefix}consumer`);
      expect(stalled.error.consumers?.message).toContain(topic);
      // Liveness does no dependency I/O: the process is alive and answers.
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      await eventually(() => expect(app.output()).toMatch(/restarting its Kafka consumer/), {
        timeoutMs: 4 * STALL_TIMEOUT_MS,
      });
      await lock.query('COMMIT');
    } finally {
      await lock.end();
    }

    await eventually(async () => expect(await count()).toBe(400), { timeoutMs: 90_000 });
    await eventually(async () => expect(await readiness(url)).toMatchObject({ status: 200 }), {
      timeoutMs: 30_000,
    });
    const ids = new Set(
      (await db.query<{ id: string }>('SELECT id FROM events')).map((row) => row.id),
    );
    expect(ids.size).toBe(400);
    expect(first.map(idOf).filter((id) => !ids.has(id))).toEqual([]);
    expect(app.running).toBe(true);
  });
});

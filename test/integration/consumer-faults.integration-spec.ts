import { Kafka, Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer as startConsumerProcess } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { idOf, v1Event } from '../support/events';
import { uniqueSuffix } from '../support/integration-env';
import { expectWaitingForDatabase, withOwnPostgres } from '../support/own-postgres';
import { deleteTopicsWithPrefix, produce, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';

/**
 * The consumer's guarantees under faults: a killed process, a database outage, and two
 * processes sharing the partitions. Each ends with every event stored once and only once.
 */
describe('consumer under faults', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  const apps: AppHarness[] = [];

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    // The apps' own topic creation, under a prefix of this test's.
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await producer.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  function startConsumer(databaseUrl: string, extraEnv: Record<string, string> = {}): AppHarness {
    const app = startConsumerProcess(prefix, databaseUrl, extraEnv);
    apps.push(app);
    return app;
  }

  /** Publishes `total` events in waves, as a live system would, while the test does harm. */
  async function publishInWaves(total: number, wave = 500, pauseMs = 50): Promise<string[]> {
    const ids: string[] = [];
    const topic = topicName(Topic.Events, prefix);
    for (let sent = 0; sent < total; sent += wave) {
      const messages = Array.from({ length: Math.min(wave, total - sent) }, (_, i) =>
        v1Event(sent + i),
      );
      ids.push(...messages.map(idOf));
      await produce(producer, topic, messages);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    return ids;
  }

  async function expectExactlyOnce(
    query: (sql: string) => Promise<Array<Record<string, unknown>>>,
    ids: string[],
  ) {
    const [stats] = await query(
      'SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM events',
    );
    expect(stats).toEqual({ rows: ids.length, ids: ids.length });
    const [rollup] = await query(
      'SELECT coalesce(sum(event_count), 0)::int AS n FROM event_rollups_minute',
    );
    expect(rollup.n).toBe(ids.length);
    const stored = new Set((await query('SELECT id FROM events')).map((r) => r.id as string));
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  }

  describe('with the shared test database', () => {
    let db: ScratchDatabase;
    beforeEach(async () => {
      db = await createScratchDatabase('faults');
    });
    afterEach(async () => {
      await db.drop();
    });
    const rowCount = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM events'))[0].n);

    it('loses and duplicates nothing when the consumer is SIGKILLed mid-stream and restarted', async () => {
      // A short session so the group notices the dead member in seconds, not the default 30.
      const session = { CONSUMER_SESSION_TIMEOUT_MS: '8000' };
      const first = startConsumer(db.url, session);
      const publishing = publishInWaves(20000);
      // Kill it while it is busy: some rows stored, more arriving.
      await eventually(async () => expect(await rowCount()).toBeGreaterThan(3000), {
        intervalMs: 50,
      });
      await first.kill();
      expect(first.running).toBe(false);
      // A statement the dead process had already sent may still commit: count once its
      // server sessions are gone.
      await eventually(async () => {
        const [sessions] = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'eventmon-consumer'",
        );
        expect(Number(sessions.n)).toBe(0);
      });
      const atKill = await rowCount();

      const second = startConsumer(db.url, session);
      const ids = await publishing;
      await eventually(async () => expect(await rowCount()).toBe(20000), { timeoutMs: 180000 });
      await expectExactlyOnce((sql) => db.query(sql), ids);
      expect(atKill).toBeLessThan(20000);
      // The second process re-read what the first stored but had not committed: skipped as duplicates.
      const url = await baseUrlOf(second);
      expect(await scrapeMetric(url, 'eventmon_events_persisted_total')).toBe(20000 - atKill);
    });

    it('splits the partitions between two consumers in one group and stores every event once', async () => {
      const a = startConsumer(db.url);
      const b = startConsumer(db.url);
      const [urlA, urlB] = await Promise.all([baseUrlOf(a), baseUrlOf(b)]);
      const admin = kafka.admin();
      await admin.connect();
      try {
        // Both members joined, and the six partitions are split between them.
        await eventually(async () => {
          const { groups } = await admin.describeGroups([`${prefix}consumer`]);
          expect(groups[0].state).toBe('Stable');
          expect(groups[0].members).toHaveLength(2);
        });
        const ids = await publishInWaves(20000, 1000, 20);
        await eventually(async () => expect(await rowCount()).toBe(20000), { timeoutMs: 180000 });
        await expectExactlyOnce((sql) => db.query(sql), ids);

        const [persistedA, persistedB] = await Promise.all([
          scrapeMetric(urlA, 'eventmon_events_persisted_total'),
          scrapeMetric(urlB, 'eventmon_events_persisted_total'),
        ]);
        expect(persistedA).toBeGreaterThan(0);
        expect(persistedB).toBeGreaterThan(0);
        expect(persistedA + persistedB).toBe(20000);
      } finally {
        await admin.disconnect();
      }
    });
  });

  it('pauses while PostgreSQL is down, resumes by itself when it returns, and loses nothing', async () => {
    await withOwnPostgres(async ({ url: databaseUrl, process: postgres, query }) => {
      const app = startConsumer(databaseUrl, { CONSUMER_RETRY_MAX_MS: '1000' });
      const url = await baseUrlOf(app);
      const rowCount = async () => Number((await query('SELECT count(*) AS n FROM events'))[0].n);

      const publishing = publishInWaves(20000, 500, 100);
      await eventually(async () => expect(await rowCount()).toBeGreaterThan(2000), {
        intervalMs: 50,
      });
      await postgres.stop();

      // Down: the consumer keeps running, says it is waiting, and reports the database down.
      await expectWaitingForDatabase(url, eventually);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(app.running).toBe(true);
      expect(
        await scrapeMetric(url, 'eventmon_consumer_retries_total', { dependency: 'database' }),
      ).toBeGreaterThan(0);

      await postgres.start();
      const ids = await publishing;
      await eventually(async () => expect(await rowCount()).toBe(20000), { timeoutMs: 180000 });
      await expectExactlyOnce(query, ids);
      expect(await scrapeMetric(url, 'eventmon_consumer_waiting', { dependency: 'database' })).toBe(
        0,
      );
      expect(app.output()).toMatch(/database is available again/);
    });
  });
});

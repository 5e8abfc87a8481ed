import { Kafka, Message, Producer } from 'kafkajs';
import { DeadLetterHeader, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { BAD_EVENTS } from '../support/bad-events';
import { startConsumer as startConsumerProcess } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { idOf, legacyEvent, v1Event } from '../support/events';
import { uniqueSuffix } from '../support/integration-env';
import {
  deleteTopicsWithPrefix,
  headerText,
  produce,
  readTopic,
  testKafka,
} from '../support/kafka';
import { scrapeMetric } from '../support/metrics';

/** The consumer against the real broker and database: exactly-once rows, rollups, DLQ. */
describe('consumer pipeline', () => {
  let kafka: Kafka;
  let producer: Producer;
  let db: ScratchDatabase;
  let consumer: AppHarness | undefined;
  let prefix: string;

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    // The apps' own topic creation, under a prefix of this test's.
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    db = await createScratchDatabase('consumer');
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await producer.disconnect();
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  function startConsumer(): AppHarness {
    consumer = startConsumerProcess(prefix, db.url);
    return consumer;
  }

  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);

  it('stores thousands of events exactly once, legacy ones included, with rollups that agree', async () => {
    const withIds = Array.from({ length: 4000 }, (_, i) => v1Event(i));
    const withoutIds = Array.from({ length: 500 }, (_, i) => v1Event(4000 + i, { withId: false }));
    const legacy = Array.from({ length: 1000 }, (_, i) => legacyEvent(i));
    // The same events sent a second time (a producer retry, a replay): stored once.
    const resent = withIds.slice(0, 500);
    const events = topicName(Topic.Events, prefix);
    await produce(producer, events, [...withIds, ...legacy]);

    const app = startConsumer();
    const url = await baseUrlOf(app);
    await eventually(async () =>
      expect(await count('SELECT count(*) AS n FROM events')).toBe(5000),
    );
    // A second wave into the same minutes, types and sources: later batches must add to
    // rollup rows that already exist, not overwrite them.
    await produce(producer, events, [...withoutIds, ...resent]);
    await eventually(
      async () => expect(await count('SELECT count(*) AS n FROM events')).toBe(5500),
      {
        timeoutMs: 120000,
      },
    );

    const storedIds = new Set(
      (await db.query<{ id: string }>('SELECT id FROM events')).map((r) => r.id),
    );
    expect(storedIds.size).toBe(5500);
    for (const message of withIds) expect(storedIds.has(idOf(message))).toBe(true);

    const legacyRows = await db.query<{
      type: string;
      severity: string;
      payload: string;
      source: string;
    }>("SELECT type, severity, payload, source FROM events WHERE payload::text LIKE '\"legacy %'");
    expect(legacyRows).toHaveLength(1000);
    expect(new Set(legacyRows.map((r) => r.type))).toEqual(new Set(['login.failure']));
    expect(new Set(legacyRows.map((r) => r.severity))).toEqual(new Set(['low']));
    expect(new Set(legacyRows.map((r) => r.source))).toEqual(
      new Set(['legacy-0', 'legacy-1', 'legacy-2', 'legacy-3', 'legacy-4']),
    );

    // Every rollup bucket equals an aggregate over the raw rows, and nothing is missing either way.
    const mismatches = await db.query(`
      WITH raw AS (
        SELECT date_trunc('minute', occurred_at) AS bucket, type, source, severity,
               count(*) AS event_count, count(value) AS value_count, sum(value) AS value_sum,
               min(value) AS value_min, max(value) AS value_max
        FROM events GROUP BY 1, 2, 3, 4)
      SELECT * FROM raw FULL OUTER JOIN event_rollups_minute r USING (bucket, type, source, severity)
      WHERE raw.event_count IS DISTINCT FROM r.event_count
         OR raw.value_count IS DISTINCT FROM r.value_count
         OR abs(coalesce(raw.value_sum, 0) - coalesce(r.value_sum, 0)) > 1e-6
         OR raw.value_min IS DISTINCT FROM r.value_min
         OR raw.value_max IS DISTINCT FROM r.value_max`);
    expect(mismatches).toEqual([]);
    // The per-minute, hour and UTC-day counts agree with the raw rows the same way.
    const countMismatches = await db.query(`
      WITH raw AS (
        SELECT g.resolution, d.dimension, date_trunc(g.resolution, e.occurred_at, 'UTC') AS bucket,
               d.key, count(*) AS event_count
          FROM events e
         CROSS JOIN LATERAL (VALUES ('type', e.type), ('source', e.source),
                                    ('severity', e.severity), ('total', 'all')) AS d(dimension, key)
         CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(resolution)
         WHERE NOT (g.resolution = 'minute' AND d.dimension = 'source')
         GROUP BY 1, 2, 3, 4)
      SELECT * FROM raw FULL OUTER JOIN event_counts c USING (resolution, dimension, bucket, key)
      WHERE raw.event_count IS DISTINCT FROM c.event_count`);
    expect(countMismatches).toEqual([]);
    expect(
      await count(
        `SELECT sum(event_count) AS n FROM event_counts WHERE resolution = 'day' AND dimension = 'source'`,
      ),
    ).toBe(5500);
    expect(await count('SELECT sum(event_count) AS n FROM event_rollups_minute')).toBe(5500);
    expect(
      await count('SELECT count(DISTINCT bucket) AS n FROM event_rollups_minute'),
    ).toBeGreaterThanOrEqual(5);

    await eventually(async () => {
      expect(await scrapeMetric(url, 'eventmon_events_consumed_total')).toBe(6000);
      expect(await scrapeMetric(url, 'eventmon_events_persisted_total')).toBe(5500);
      expect(await scrapeMetric(url, 'eventmon_events_duplicate_total')).toBe(500);
      expect(await scrapeMetric(url, 'eventmon_events_legacy_total')).toBe(1000);
    });

    // Offsets are committed up to the end of every partition.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(events);
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({
        groupId: `${prefix}consumer`,
        topics: [events],
      });
      for (const end of ends) {
        expect(committed.partitions.find((p) => p.partition === end.partition)?.offset).toBe(
          end.offset,
        );
      }
    });
    await admin.disconnect();

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      info: { kafka: { status: 'up' }, database: { status: 'up' } },
    });

    // SIGTERM: stop fetching, finish the batch, commit, exit 0 (a clean stop is not a failure).
    await app.stop();
    expect(await app.waitForExit()).toBe(0);
    expect(app.output()).toMatch(/consumer stopped/);
  });

  it('dead-letters every kind of bad input with reasons, byte for byte, and keeps the good events around it', async () => {
    const bad = BAD_EVENTS;
    // One key: everything lands on one partition, so good and bad messages truly interleave.
    const messages: Message[] = [];
    const goodIds: string[] = [];
    bad.forEach((entry, i) => {
      const good = v1Event(i);
      goodIds.push(idOf(good));
      messages.push({ key: 'mixed', value: good.value, headers: { 'x-trace': `good-${i}` } });
      messages.push({ key: 'mixed', value: entry.value, headers: { 'x-trace': `bad-${i}` } });
    });
    const events = topicName(Topic.Events, prefix);
    await produce(producer, events, messages);

    startConsumer();
    await eventually(async () =>
      expect(await count('SELECT count(*) AS n FROM events')).toBe(bad.length),
    );
    const stored = (await db.query<{ id: string }>('SELECT id FROM events'))
      .map((r) => r.id)
      .sort();
    expect(stored).toEqual([...goodIds].sort());

    const dlq = await readTopic(kafka, topicName(Topic.EventsDlq, prefix), bad.length);
    expect(dlq).toHaveLength(bad.length);
    const admin = kafka.admin();
    await admin.connect();
    const [partition] = (await admin.fetchTopicOffsets(events)).filter((p) => Number(p.offset) > 0);
    await admin.disconnect();
    bad.forEach((entry, i) => {
      const record = dlq.find((r) => headerText(r.headers, 'x-trace') === `bad-${i}`);
      expect(record).toBeDefined();
      if (entry.value === null) expect(record!.value).toBeNull();
      else expect(Buffer.compare(record!.value ?? Buffer.alloc(0), entry.value)).toBe(0);
      expect(record!.key?.toString()).toBe('mixed');
      expect(headerText(record!.headers, DeadLetterHeader.Reason)).toMatch(entry.reason);
      expect(JSON.parse(headerText(record!.headers, DeadLetterHeader.Reasons)!)).toEqual(
        expect.any(Array),
      );
      expect(headerText(record!.headers, DeadLetterHeader.Stage)).toBe('validation');
      expect(headerText(record!.headers, DeadLetterHeader.OriginalTopic)).toBe(events);
      expect(headerText(record!.headers, DeadLetterHeader.OriginalPartition)).toBe(
        String(partition.partition),
      );
      // Good and bad alternate from offset 0, so the i-th bad message sits at offset 2i+1.
      expect(headerText(record!.headers, DeadLetterHeader.OriginalOffset)).toBe(String(2 * i + 1));
      expect(headerText(record!.headers, DeadLetterHeader.Service)).toBe(
        `consumer/${prefix}consumer`,
      );
      expect(
        Number.isNaN(Date.parse(headerText(record!.headers, DeadLetterHeader.FailedAt)!)),
      ).toBe(false);
    });
  });

  it('isolates an event the database refuses, dead-letters it at the persistence stage and stores its neighbours', async () => {
    // A constraint the decoder knows nothing about stands in for any row PostgreSQL rejects.
    await db.query(
      "ALTER TABLE events ADD CONSTRAINT test_refuses_poison CHECK (type <> 'poison.row')",
    );
    const messages = Array.from({ length: 300 }, (_, i) => v1Event(i, { sources: 1 }));
    const poisonIndexes = [7, 150, 299];
    for (const i of poisonIndexes) {
      const event = JSON.parse(String(messages[i].value)) as Record<string, unknown>;
      messages[i] = {
        key: messages[i].key,
        value: JSON.stringify({ ...event, type: 'poison.row' }),
      };
    }
    await produce(producer, topicName(Topic.Events, prefix), messages);

    const app = startConsumer();
    const url = await baseUrlOf(app);
    await eventually(async () => expect(await count('SELECT count(*) AS n FROM events')).toBe(297));
    const dlq = await readTopic(kafka, topicName(Topic.EventsDlq, prefix), 3);
    expect(dlq.map((r) => headerText(r.headers, DeadLetterHeader.OriginalOffset)).sort()).toEqual([
      '150',
      '299',
      '7',
    ]);
    for (const record of dlq) {
      expect(headerText(record.headers, DeadLetterHeader.Stage)).toBe('persistence');
      expect(headerText(record.headers, DeadLetterHeader.Reason)).toMatch(
        /database refused the event: .*test_refuses_poison/,
      );
    }
    await eventually(async () =>
      expect(
        await scrapeMetric(url, 'eventmon_events_dead_lettered_total', { stage: 'persistence' }),
      ).toBe(3),
    );
  });
});

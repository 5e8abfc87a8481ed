import { Kafka, Message, Producer } from 'kafkajs';
import { DeadLetterHeader, keyedEventIds, Topic, topicName, uuidV5 } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { incidentsOf, ruleRecord, startAlerting } from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer as startConsumerProcess } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { testEventIdSecret, uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, headerText, readTopic, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { TopicRecorder } from '../support/topic-recorder';

/**
 * Event ids against the real broker and database: an id can be claimed by one event only, an
 * event with a stored id but other content is dead-lettered instead of silently dropped, and
 * the ids of id-less events cannot be computed (and claimed) in advance.
 */
describe('consumer: event ids', () => {
  let kafka: Kafka;
  let producer: Producer;
  let db: ScratchDatabase;
  let prefix: string;
  const apps: AppHarness[] = [];

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(
      kafka,
      [Topic.Events, Topic.EventsDlq, Topic.AlertRules, Topic.Notifications],
      { prefix },
    );
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    db = await createScratchDatabase('ids');
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await producer.disconnect();
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  function startConsumer(groupId = `${prefix}consumer`): AppHarness {
    const consumer = startConsumerProcess(prefix, db.url, { CONSUMER_GROUP_ID: groupId });
    apps.push(consumer);
    return consumer;
  }

  /** Everything on partition 0, so the offsets (and the order) are known. */
  const send = (messages: Message[]) =>
    producer.send({
      topic: topicName(Topic.Events, prefix),
      acks: -1,
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });

  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);

  async function dlqSize(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topicName(Topic.EventsDlq, prefix));
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('dead-letters an event whose id is stored with other content, and keeps an identical redelivery a silent duplicate', async () => {
    const id = '3f1c2b9a-8d7e-4f60-9a1b-2c3d4e5f6a7b';
    const contentA = {
      id,
      type: 'payment.exception',
      source: 'checkout',
      severity: 'high',
      occurredAt: '2026-11-23T10:00:00.000Z',
      value: 12.5,
      payload: { order: 'A-1', amount: 30, tags: ['card'] },
    };
    const a = JSON.stringify(contentA);
    // The same id with other content, in the same batch as A and in a later one.
    const sameBatchB = JSON.stringify({ ...contentA, severity: 'low' });
    const laterB = JSON.stringify({ ...contentA, payload: { order: 'B-2' } });
    // The same content spelled differently (key order) is still the same event.
    const respelledA = JSON.stringify({
      payload: { tags: ['card'], amount: 30, order: 'A-1' },
      value: 12.5,
      occurredAt: '2026-11-23T10:00:00.000Z',
      severity: 'high',
      source: 'checkout',
      type: 'payment.exception',
      id,
    });
    const good = (i: number) =>
      JSON.stringify({ type: 'order.created', source: 'checkout', payload: { i } });

    await send([
      { key: 'checkout', value: good(0) },
      { key: 'checkout', value: a, headers: { 'x-trace': 'A' } },
      { key: 'checkout', value: sameBatchB, headers: { 'x-trace': 'B-same-batch' } },
      { key: 'checkout', value: a, headers: { 'x-trace': 'A-redelivered' } },
      { key: 'checkout', value: good(1) },
    ]);
    const app = startConsumer();
    const url = await baseUrlOf(app);
    await eventually(async () => expect(await count('SELECT count(*) AS n FROM events')).toBe(3));
    // Stored before these arrive: compared with the stored row, not with the batch.
    await send([
      { key: 'checkout', value: laterB, headers: { 'x-trace': 'B-later' } },
      { key: 'checkout', value: a, headers: { 'x-trace': 'A-redelivered-later' } },
      { key: 'checkout', value: respelledA, headers: { 'x-trace': 'A-respelled' } },
      { key: 'checkout', value: good(2) },
    ]);
    await eventually(async () => expect(await count('SELECT count(*) AS n FROM events')).toBe(4));
    await eventually(async () => {
      expect(await scrapeMetric(url, 'eventmon_events_consumed_total')).toBe(9);
    });

    const [stored] = await db.query<{ severity: string; payload: unknown }>(
      'SELECT severity, payload FROM events WHERE id = $1',
      [id],
    );
    expect(stored).toEqual({ severity: 'high', payload: contentA.payload });

    const dlq = await readTopic(kafka, topicName(Topic.EventsDlq, prefix), 2);
    expect(dlq.map((r) => headerText(r.headers, 'x-trace')).sort()).toEqual([
      'B-later',
      'B-same-batch',
    ]);
    for (const record of dlq) {
      expect(headerText(record.headers, DeadLetterHeader.Stage)).toBe('conflict');
      expect(headerText(record.headers, DeadLetterHeader.Reason)).toBe(
        `id ${id} already stored with different content`,
      );
    }
    const byTrace = new Map(dlq.map((r) => [headerText(r.headers, 'x-trace'), r]));
    expect(byTrace.get('B-same-batch')!.value!.toString()).toBe(sameBatchB);
    expect(byTrace.get('B-later')!.value!.toString()).toBe(laterB);
    // The redeliveries were not dead-lettered: the DLQ holds the two conflicts and nothing else.
    expect(await dlqSize()).toBe(2);
    expect(await scrapeMetric(url, 'eventmon_events_persisted_total')).toBe(4);
    expect(await scrapeMetric(url, 'eventmon_events_duplicate_total')).toBe(3);
    expect(
      await scrapeMetric(url, 'eventmon_events_dead_lettered_total', { stage: 'conflict' }),
    ).toBe(2);
    // The rollups count the stored event once, with its own severity.
    expect(
      await count(
        "SELECT sum(event_count) AS n FROM event_rollups_minute WHERE type = 'payment.exception'",
      ),
    ).toBe(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM event_rollups_minute WHERE type = 'payment.exception' AND severity = 'high'",
      ),
    ).toBe(1);
  });

  it('ids of id-less events cannot be pre-claimed: the old public ids of the next offsets posted first no longer shadow the real events', async () => {
    const topic = topicName(Topic.Events, prefix);
    const claimed = 50;
    // The attacker's events take offsets 0..49; the real id-less events will sit at 50..99.
    // Each claims the id the real event at offset 50 + i used to get: a UUID v5 of
    // topic/partition/offset under the namespace in the source code.
    const oldPublicId = (offset: number) => uuidV5(`${topic}/0/${offset}`);
    await send(
      Array.from({ length: claimed }, (_, i) => ({
        key: 'attacker',
        value: JSON.stringify({ id: oldPublicId(claimed + i), type: 'noise', payload: { i } }),
      })),
    );
    await send(
      Array.from({ length: claimed }, (_, i) => ({
        key: 'auth-service',
        value: JSON.stringify({ type: 'login.failure', payload: { real: i } }),
      })),
    );

    const app = startConsumer();
    const url = await baseUrlOf(app);
    await eventually(async () =>
      expect(await scrapeMetric(url, 'eventmon_events_consumed_total')).toBe(2 * claimed),
    );
    expect(await count("SELECT count(*) AS n FROM events WHERE type = 'login.failure'")).toBe(
      claimed,
    );
    expect(await count('SELECT count(*) AS n FROM events')).toBe(2 * claimed);
    // Each real event got the keyed id of its own offset (the consumer's EVENT_ID_SECRET).
    const deriveEventId = keyedEventIds(testEventIdSecret());
    const real = await db.query<{ id: string; real: number }>(
      "SELECT id, (payload->>'real')::int AS real FROM events WHERE type = 'login.failure'",
    );
    for (const row of real)
      expect(row.id).toBe(deriveEventId(topic, 0, String(claimed + row.real)));
    expect(await dlqSize()).toBe(0);

    // A second group reads the whole topic again into the same table (a redelivery of every
    // message): the same ids are derived, so everything is a silent duplicate.
    const replay = startConsumer(`${prefix}replay`);
    const replayUrl = await baseUrlOf(replay);
    await eventually(async () =>
      expect(await scrapeMetric(replayUrl, 'eventmon_events_duplicate_total')).toBe(2 * claimed),
    );
    expect(await scrapeMetric(replayUrl, 'eventmon_events_persisted_total')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(2 * claimed);
    expect(await dlqSize()).toBe(0);
  });

  it('alerting names id-less events in incidents by the ids the consumer stored them under', async () => {
    const notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
    try {
      const alerting = startAlerting(prefix);
      apps.push(alerting);
      await baseUrlOf(alerting);
      await eventually(() => expect(alerting.output()).toMatch(/windows ready/));
      await producer.send({
        topic: topicName(Topic.AlertRules, prefix),
        messages: [
          ruleRecord({
            id: 'logins',
            match: { types: ['login.failure'] },
            window: { kind: 'sliding', seconds: 60 },
            condition: { aggregate: 'count', operator: '>=', threshold: 3 },
            severity: 'high',
          }),
        ],
      });
      await eventually(async () =>
        expect(
          await scrapeMetric(await baseUrlOf(alerting), 'eventmon_alerting_rules_loaded'),
        ).toBe(1),
      );
      startConsumer();
      // No id, no occurredAt: both services derive the id from where the event sits in Kafka.
      await send(
        [1, 2, 3].map(() => ({
          key: 'client-z',
          value: JSON.stringify({ type: 'login.failure' }),
        })),
      );
      const opened = await eventually(() => {
        const found = incidentsOf(notifications, 'incident.opened');
        expect(found).toHaveLength(1);
        return found[0];
      });
      await eventually(async () => expect(await count('SELECT count(*) AS n FROM events')).toBe(3));
      const stored = await db.query<{ id: string }>('SELECT id FROM events ORDER BY kafka_offset');
      expect([...opened.incident.eventIds].sort()).toEqual(stored.map((r) => r.id).sort());
    } finally {
      await notifications.stop();
    }
  });
});

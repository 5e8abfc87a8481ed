import { Kafka, Message, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  DeadLetterHeader,
  DeliveryRecord,
  Incident,
  LifecycleMessage,
  Topic,
  topicName,
} from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import { ensureTopics } from '@app/kafka';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer as startConsumerProcess } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { expectWaitingForDatabase, withOwnPostgres } from '../support/own-postgres';
import {
  deleteTopicsWithPrefix,
  headerText,
  produce,
  readTopic,
  testKafka,
} from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import {
  acknowledged,
  deliveryMessage,
  deliveryRecord,
  INCIDENT_ROW_SQL,
  incidentFromRow,
  lifecycle,
  lifecycleRecord,
  openIncident,
  resolved,
} from '../support/notifications';

const NOTIFICATION_TOPICS = [
  Topic.Notifications,
  Topic.NotificationDeliveries,
  Topic.NotificationsDlq,
];
const minute = (m: number, s = 0) => new Date(Date.UTC(2026, 10, 23, 10, m, s));

/**
 * The consumer's notifications pipeline against the real broker and database: incidents move
 * forward only, whatever the order and however often a lifecycle message arrives; delivery
 * records are stored once; everything else ends in `notifications.dlq`.
 */
describe('consumer notifications pipeline', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  const apps: AppHarness[] = [];

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq, ...NOTIFICATION_TOPICS], { prefix });
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

  const notifications = () => topicName(Topic.Notifications, prefix);
  const deliveries = () => topicName(Topic.NotificationDeliveries, prefix);
  /** CONSUMER_NOTIFICATIONS_GROUP_ID is unset in these tests: derived from CONSUMER_GROUP_ID. */
  const notificationsGroup = () => `${prefix}consumer-notifications`;

  async function expectCommittedToEnd(topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Partitions that never held a message have nothing to commit.
      const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => p.offset !== '0');
      expect(ends.length).toBeGreaterThan(0);
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({
          groupId: notificationsGroup(),
          topics: [topic],
        });
        for (const end of ends) {
          expect({
            partition: end.partition,
            offset: committed.partitions.find((p) => p.partition === end.partition)?.offset,
          }).toEqual({ partition: end.partition, offset: end.offset });
        }
      });
    } finally {
      await admin.disconnect();
    }
  }

  describe('with the shared test database', () => {
    let db: ScratchDatabase;
    beforeEach(async () => {
      db = await createScratchDatabase('notifications');
    });
    afterEach(async () => {
      await db.drop();
    });

    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);
    const storedIncidents = async () =>
      new Map(
        (await db.query(INCIDENT_ROW_SQL))
          .map(incidentFromRow)
          .map((stored) => [stored.incident.id, stored]),
      );

    it('moves incidents forward only, through redeliveries, out-of-order and stale messages', async () => {
      const t = (s: number) => minute(1, s);
      // A: the whole lifecycle in order, then all three redelivered (the opened one last).
      const a0 = openIncident(0, t(0));
      const a1 = acknowledged(a0, t(10), 'alice');
      const a2 = resolved(a1, t(20), 'alerting');
      // B: acknowledged, then an older "opened" (with a different value) turns up late.
      const b0 = openIncident(1, t(1));
      const b1 = acknowledged(b0, t(11), 'bob');
      const bStale = { ...b0, value: 999 };
      // C: the resolution arrives first, then the transitions that preceded it.
      const c0 = openIncident(2, t(2));
      const c1 = acknowledged(c0, t(12), 'carol');
      const c2 = resolved(c1, t(22), 'carol');
      // D: re-announced while open with newer numbers (same status, later `at` wins), then an
      // out-of-date copy older than both.
      const d0 = openIncident(3, t(3));
      const d1 = {
        ...d0,
        value: 42.5,
        eventIds: [...d0.eventIds, ...openIncident(9, t(0)).eventIds],
      };
      const dOld = { ...d0, value: 1 };
      // E: acknowledged twice by the same message (a producer retry).
      const e0 = openIncident(4, t(4));
      const e1 = acknowledged(e0, t(14), 'erin');
      // F: resolved straight from open by the alerting service (auto-resolve).
      const f0 = openIncident(5, t(5));
      const f1 = resolved(f0, t(25), 'alerting');

      // Wave 1, published before the consumer starts, so several transitions of one incident
      // meet in one batch (and one statement).
      const wave1: LifecycleMessage[] = [
        lifecycle(a0, t(0)),
        lifecycle(a1, t(10), 'alice'),
        lifecycle(b0, t(1)),
        lifecycle(b1, t(11), 'bob'),
        lifecycle(c2, t(22), 'carol'),
        lifecycle(d0, t(3)),
        lifecycle(e0, t(4)),
        lifecycle(e1, t(14), 'erin'),
        lifecycle(e1, t(14), 'erin'),
        lifecycle(f0, t(5)),
      ];
      await produce(producer, notifications(), wave1.map(lifecycleRecord));
      const app = startConsumer(db.url);
      const url = await baseUrlOf(app);

      const expectedAfterWave1: Array<[Incident, Date]> = [
        [a1, t(10)],
        [b1, t(11)],
        [c2, t(22)],
        [d0, t(3)],
        [e1, t(14)],
        [f0, t(5)],
      ];
      await eventually(async () => {
        const rows = await storedIncidents();
        expect(rows.size).toBe(6);
        for (const [incident, at] of expectedAfterWave1) {
          expect(rows.get(incident.id)).toEqual({ incident, at: at.toISOString() });
        }
      });

      // Wave 2, against rows already stored: each message meets a committed row.
      const wave2: LifecycleMessage[] = [
        lifecycle(a2, t(20)),
        lifecycle(a0, t(0)),
        lifecycle(a1, t(10), 'alice'),
        lifecycle(a2, t(20)),
        lifecycle(bStale, t(1)),
        lifecycle(c0, t(2)),
        lifecycle(c1, t(12), 'carol'),
        lifecycle(d1, t(30)),
        lifecycle(dOld, t(2)),
        lifecycle(f1, t(25)),
        lifecycle(f0, t(5)),
      ];
      await produce(producer, notifications(), wave2.map(lifecycleRecord));
      // Sent one by one, so each is a batch of its own: the redelivered "opened" after
      // "resolved" must leave the row alone even alone in its statement.
      for (const late of [lifecycle(a0, t(0)), lifecycle(b0, t(1))]) {
        await produce(producer, notifications(), [lifecycleRecord(late)]);
      }

      const expectedFinal: Array<[Incident, Date]> = [
        [a2, t(20)],
        [b1, t(11)],
        [c2, t(22)],
        [d1, t(30)],
        [e1, t(14)],
        [f1, t(25)],
      ];
      const total = wave1.length + wave2.length + 2;
      await eventually(async () =>
        expect(
          await scrapeMetric(url, 'eventmon_notifications_consumed_total', {
            topic: 'notifications',
          }),
        ).toBe(total),
      );
      await expectCommittedToEnd(notifications());
      const rows = await storedIncidents();
      expect(rows.size).toBe(6);
      for (const [incident, at] of expectedFinal) {
        expect(rows.get(incident.id)).toEqual({ incident, at: at.toISOString() });
      }
      // Spot checks in SQL terms, the way the gateway will read the table.
      const [a] = await db.query<Record<string, unknown>>(
        'SELECT status, acknowledged_by, resolved_by, event_ids, channels FROM incidents WHERE id = $1',
        [a0.id],
      );
      expect(a).toEqual({
        status: 'resolved',
        acknowledged_by: 'alice',
        resolved_by: 'alerting',
        event_ids: a0.eventIds,
        channels: a0.channels,
      });
      expect(await count(`SELECT count(*) AS n FROM incidents WHERE status = 'resolved'`)).toBe(3);

      // Every message either changed a row or changed nothing; none was dead-lettered.
      const upserted = await scrapeMetric(url, 'eventmon_incidents_upserted_total');
      const unchanged = await scrapeMetric(url, 'eventmon_incident_messages_unchanged_total');
      expect(upserted + unchanged).toBe(total);
      // 6 inserts + at least A, D and F moving forward in wave 2.
      expect(upserted).toBeGreaterThanOrEqual(9);
      expect(await scrapeMetric(url, 'eventmon_notifications_dead_lettered_total')).toBe(0);
    });

    it('stores each delivery record once, duplicates and all, even before its incident exists', async () => {
      const incidentIds = [openIncident(0, minute(0)).id, openIncident(1, minute(0)).id];
      const records: DeliveryRecord[] = [];
      for (let i = 0; i < 40; i++) records.push(deliveryRecord(incidentIds[i % 2], (i % 5) + 1));
      records.push(
        deliveryRecord(incidentIds[0], 5, {
          outcome: 'failed',
          statusCode: null,
          error: 'connect ECONNREFUSED 127.0.0.1:1',
          channelType: 'email',
          target: '2 recipients',
          kind: 'incident.resolved',
        }),
      );
      // Every record twice in the first wave (a producer retry), then half of them again.
      const first: Message[] = records.flatMap((r) => [deliveryMessage(r), deliveryMessage(r)]);
      await produce(producer, deliveries(), first);
      const app = startConsumer(db.url);
      const url = await baseUrlOf(app);
      await eventually(async () =>
        expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(records.length),
      );
      await produce(producer, deliveries(), records.slice(0, 20).map(deliveryMessage));
      const total = records.length * 2 + 20;
      await eventually(async () =>
        expect(
          await scrapeMetric(url, 'eventmon_notifications_consumed_total', {
            topic: 'notifications.deliveries',
          }),
        ).toBe(total),
      );
      await expectCommittedToEnd(deliveries());

      expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(records.length);
      expect(await count('SELECT count(*) AS n FROM incidents')).toBe(0);
      const rows = await db.query<Record<string, unknown>>(`
        SELECT id, incident_id AS "incidentId", rule_id AS "ruleId", kind,
               channel_type AS "channelType", channel_index AS "channelIndex", target, attempt,
               max_attempts AS "maxAttempts", outcome, status_code AS "statusCode", error,
               duration_ms AS "durationMs", idempotency_key AS "idempotencyKey", at
        FROM deliveries`);
      const byId = new Map(
        rows.map((row) => [row.id, { ...row, at: (row.at as Date).toISOString() }]),
      );
      for (const record of records) expect(byId.get(record.id)).toEqual(record);

      expect(await scrapeMetric(url, 'eventmon_deliveries_stored_total')).toBe(records.length);
      expect(await scrapeMetric(url, 'eventmon_deliveries_duplicate_total')).toBe(
        total - records.length,
      );
    });

    it('dead-letters garbage, invalid and refused notifications byte for byte with reasons, stage and coordinates', async () => {
      const good = openIncident(0, minute(2));
      const goodDelivery = deliveryRecord(good.id, 1);
      const contradicting = { ...lifecycle(openIncident(1, minute(2))), kind: 'incident.resolved' };
      const urgent = { ...openIncident(2, minute(2)), severity: 'urgent' };
      const nulInName = lifecycle({ ...openIncident(3, minute(2)), ruleName: 'bad\u0000name' });
      const badLifecycle: Array<{ value: Buffer | null; reason: RegExp; stage: string }> = [
        {
          value: Buffer.from('not json'),
          reason: /^notification is not valid JSON/,
          stage: 'validation',
        },
        {
          value: Buffer.from('[1,2]'),
          reason: /must be a JSON object, got an array/,
          stage: 'validation',
        },
        { value: null, reason: /notification is empty \(null value\)/, stage: 'validation' },
        {
          value: Buffer.from(JSON.stringify({ ...lifecycle(good), extra: true })),
          reason: /unknown field "extra"/,
          stage: 'validation',
        },
        {
          value: Buffer.from(
            JSON.stringify({
              kind: 'incident.opened',
              at: 'yesterday',
              actor: 'x',
              incident: urgent,
            }),
          ),
          reason: /"at" must be an ISO-8601 date-time.*; "incident.severity" must be one of/,
          stage: 'validation',
        },
        {
          value: Buffer.from(JSON.stringify(contradicting)),
          reason: /"kind" incident.resolved requires "incident.status" resolved, got open/,
          stage: 'validation',
        },
        {
          value: Buffer.from(JSON.stringify(nulInName)),
          reason: /^database refused the incident: /,
          stage: 'persistence',
        },
      ];
      const badDeliveries: Array<{ value: Buffer | null; reason: RegExp; stage: string }> = [
        {
          value: Buffer.from('\u00ff\u00fe garbage'),
          reason: /^delivery record is not valid JSON/,
          stage: 'validation',
        },
        {
          value: Buffer.from(
            JSON.stringify({ ...goodDelivery, id: 'nope', attempt: 0, outcome: 'maybe' }),
          ),
          reason:
            /"id" must be .*; "attempt" must be between 1 and 100, got 0; "outcome" must be one of/,
          stage: 'validation',
        },
        {
          // Date.parse accepts 30 February; PostgreSQL does not.
          value: Buffer.from(
            JSON.stringify(deliveryRecord(good.id, 2, { at: '2026-02-30T10:00:00Z' })),
          ),
          reason: /^database refused the delivery record: /,
          stage: 'persistence',
        },
      ];
      // One key per topic: every message lands on one partition, so good and bad interleave
      // and the i-th bad message sits at offset 2i+1.
      const interleave = (goodValue: string, bad: typeof badLifecycle): Message[] =>
        bad.flatMap((entry, i) => [
          { key: good.id, value: goodValue, headers: { 'x-trace': `good-${i}` } },
          { key: good.id, value: entry.value, headers: { 'x-trace': `bad-${i}` } },
        ]);
      await produce(
        producer,
        notifications(),
        interleave(JSON.stringify(lifecycle(good)), badLifecycle),
      );
      await produce(
        producer,
        deliveries(),
        interleave(JSON.stringify(goodDelivery), badDeliveries),
      );

      const app = startConsumer(db.url);
      const url = await baseUrlOf(app);
      const total = badLifecycle.length + badDeliveries.length;
      const dlq = await readTopic(kafka, topicName(Topic.NotificationsDlq, prefix), total);
      expect(dlq).toHaveLength(total);

      const admin = kafka.admin();
      await admin.connect();
      const partitionOf = async (topic: string) =>
        (await admin.fetchTopicOffsets(topic)).find((p) => Number(p.offset) > 0)!.partition;
      const coordinates = {
        [notifications()]: await partitionOf(notifications()),
        [deliveries()]: await partitionOf(deliveries()),
      };
      await admin.disconnect();

      const check = (topic: string, bad: typeof badLifecycle) =>
        bad.forEach((entry, i) => {
          const record = dlq.find(
            (r) =>
              headerText(r.headers, 'x-trace') === `bad-${i}` &&
              headerText(r.headers, DeadLetterHeader.OriginalTopic) === topic,
          );
          expect(record).toBeDefined();
          if (entry.value === null) expect(record!.value).toBeNull();
          else expect(Buffer.compare(record!.value ?? Buffer.alloc(0), entry.value)).toBe(0);
          expect(record!.key?.toString()).toBe(good.id);
          expect(headerText(record!.headers, DeadLetterHeader.Reason)).toMatch(entry.reason);
          const reasons = JSON.parse(
            headerText(record!.headers, DeadLetterHeader.Reasons)!,
          ) as string[];
          expect(reasons.length).toBeGreaterThan(0);
          expect(reasons.join('; ')).toBe(headerText(record!.headers, DeadLetterHeader.Reason));
          expect(headerText(record!.headers, DeadLetterHeader.Stage)).toBe(entry.stage);
          expect(headerText(record!.headers, DeadLetterHeader.OriginalPartition)).toBe(
            String(coordinates[topic]),
          );
          expect(headerText(record!.headers, DeadLetterHeader.OriginalOffset)).toBe(
            String(2 * i + 1),
          );
          expect(headerText(record!.headers, DeadLetterHeader.Service)).toBe(
            `consumer/${notificationsGroup()}`,
          );
        });
      check(notifications(), badLifecycle);
      check(deliveries(), badDeliveries);

      // The good neighbours are stored: one incident (sent once per bad message), one delivery.
      await eventually(async () => {
        expect(await count('SELECT count(*) AS n FROM incidents')).toBe(1);
        expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(1);
      });
      expect((await storedIncidents()).get(good.id)).toEqual({
        incident: good,
        at: good.openedAt,
      });
      await expectCommittedToEnd(notifications());
      await expectCommittedToEnd(deliveries());
      await eventually(async () => {
        expect(
          await scrapeMetric(url, 'eventmon_notifications_dead_lettered_total', {
            stage: 'validation',
          }),
        ).toBe(total - 2);
        expect(
          await scrapeMetric(url, 'eventmon_notifications_dead_lettered_total', {
            stage: 'persistence',
          }),
        ).toBe(2);
      });
      // Nothing of this reached the events DLQ.
      const admin2 = kafka.admin();
      await admin2.connect();
      const eventsDlq = await admin2.fetchTopicOffsets(topicName(Topic.EventsDlq, prefix));
      await admin2.disconnect();
      expect(eventsDlq.map((p) => p.offset)).toEqual(eventsDlq.map(() => '0'));
    });

    it('stores the deliveries of an incidents.suppressed notice but no incident for it, and dead-letters nothing', async () => {
      const good = openIncident(0, minute(3));
      const standIn = { ...openIncident(1, minute(3)), groupKey: '', status: 'resolved' as const };
      const notice = {
        kind: 'incidents.suppressed' as const,
        at: minute(3).toISOString(),
        actor: 'alerting',
        summary: 'more than 20 incidents opened within a minute',
        incident: { ...standIn, resolvedAt: minute(3).toISOString(), resolvedBy: 'alerting' },
      };
      await produce(producer, notifications(), [
        lifecycleRecord(notice),
        lifecycleRecord(lifecycle(good)),
      ]);
      await produce(producer, deliveries(), [
        deliveryMessage(deliveryRecord(standIn.id, 3, { kind: 'incidents.suppressed' })),
      ]);
      startConsumer(db.url);
      await expectCommittedToEnd(notifications());
      await expectCommittedToEnd(deliveries());
      await eventually(async () => {
        expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(1);
      });
      expect([...(await storedIncidents()).keys()]).toEqual([good.id]);
      const admin = kafka.admin();
      await admin.connect();
      const dlq = await admin.fetchTopicOffsets(topicName(Topic.NotificationsDlq, prefix));
      await admin.disconnect();
      expect(dlq.map((p) => p.offset)).toEqual(dlq.map(() => '0'));
    });

    it('has TypeORM entities that agree with the migrated incidents and deliveries tables', async () => {
      const dataSource = new DataSource({
        ...dataSourceOptions({ url: db.url, poolSize: 1 }),
        logging: false,
      });
      await dataSource.initialize();
      try {
        // What `synchronize` would run to make the database match the entities: nothing.
        const pending = await dataSource.driver.createSchemaBuilder().log();
        const touching = pending.upQueries
          .map((query) => query.query)
          .filter((query) => /"?(incidents|deliveries)"?/.test(query));
        expect(touching).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });
  });

  it('pauses while PostgreSQL is down, resumes by itself, and applies every lifecycle message', async () => {
    await withOwnPostgres(async ({ url: databaseUrl, process: postgres, query }) => {
      const app = startConsumer(databaseUrl, { CONSUMER_RETRY_MAX_MS: '1000' });
      const url = await baseUrlOf(app);
      const statusCounts = async () =>
        Object.fromEntries(
          (await query('SELECT status, count(*)::int AS n FROM incidents GROUP BY status')).map(
            (r): [string, unknown] => [String(r.status), r.n],
          ),
        );

      // 300 incidents opened, then acknowledged, then resolved, in waves while the database
      // goes away and comes back.
      const opened = Array.from({ length: 300 }, (_, i) => openIncident(i, minute(3)));
      const acked = opened.map((incident) => acknowledged(incident, minute(4), 'ops'));
      const done = acked.map((incident) => resolved(incident, minute(5), 'ops'));
      await produce(
        producer,
        notifications(),
        opened.map((i) => lifecycleRecord(lifecycle(i))),
      );
      await eventually(async () => expect(await statusCounts()).toEqual({ open: 300 }));

      await postgres.stop();
      await produce(
        producer,
        notifications(),
        acked.map((i) => lifecycleRecord(lifecycle(i, minute(4), 'ops'))),
      );
      await expectWaitingForDatabase(url, eventually);
      await produce(
        producer,
        notifications(),
        done.map((i) => lifecycleRecord(lifecycle(i, minute(5), 'ops'))),
      );
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(app.running).toBe(true);

      await postgres.start();
      await eventually(async () => expect(await statusCounts()).toEqual({ resolved: 300 }), {
        timeoutMs: 120000,
      });
      const rows = await query(`${INCIDENT_ROW_SQL} ORDER BY id`);
      const expected = new Map(done.map((incident) => [incident.id, incident]));
      for (const row of rows) {
        const stored = incidentFromRow(row);
        expect(stored).toEqual({
          incident: expected.get(stored.incident.id),
          at: minute(5).toISOString(),
        });
      }
      await eventually(async () =>
        expect(
          await scrapeMetric(url, 'eventmon_consumer_waiting', { dependency: 'database' }),
        ).toBe(0),
      );
      expect(
        await scrapeMetric(url, 'eventmon_consumer_retries_total', { dependency: 'database' }),
      ).toBeGreaterThan(0);
      expect(await scrapeMetric(url, 'eventmon_notifications_dead_lettered_total')).toBe(0);
      expect(app.output()).toMatch(/database is available again/);
    });
  });
});

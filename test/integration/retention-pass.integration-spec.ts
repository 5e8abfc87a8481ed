import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  addDays,
  createDayPartition,
  dayOf,
  DAY_MS,
  DEFAULT_RETENTION,
  partitionName,
  RETENTION_LOCK_KEY,
  RetentionPassReport,
  RetentionSettings,
  runRetentionPass,
} from '@app/database';
import { baseUrlOf } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { scrapeMetric } from '../support/metrics';
import { storeEvents, StoredEventSpec } from '../support/stored-events';

/**
 * The retention pass against the real database, with its clock injected: events, rollups and
 * counts written by the consumer's own statement at dates in the past and the future.
 */
describe('the retention pass', () => {
  let db: ScratchDatabase;
  const NOW = Date.now();
  const TODAY = dayOf(NOW);

  beforeEach(async () => {
    db = await createScratchDatabase('retention');
  });
  afterEach(async () => {
    await db?.drop();
  });

  const pass = (now = NOW, settings: Partial<RetentionSettings> = {}) =>
    runRetentionPass(db.url, { ...DEFAULT_RETENTION, ...settings }, { now });

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(sql, params))[0].n);

  /** The partitions of `events`, by name, and the rows each holds. */
  async function partitions(): Promise<Map<string, number>> {
    const rows = await db.query<{ name: string; n: number }>(
      `SELECT c.relname AS name,
              (SELECT count(*)::int FROM events e WHERE e.tableoid = c.oid) AS n
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass`,
    );
    return new Map(rows.map((row) => [row.name, row.n]));
  }

  const event = (occurredAt: number, type = 'login.failure'): StoredEventSpec => ({
    type,
    source: 'auth',
    severity: 'high',
    occurredAt: new Date(occurredAt),
  });

  /** Events on a day partition made for them, as a database that ran for weeks would have. */
  async function partitionedDay(day: number) {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await createDayPartition(client, day);
    } finally {
      await client.end();
    }
  }

  function expectNoProblems(report: RetentionPassReport) {
    expect(report.problems).toEqual([]);
    expect(report.outcome).toBe('done');
  }

  it('makes the day partitions ahead, and a second pass finds nothing to do', async () => {
    const later = NOW + 3 * DAY_MS;
    const first = await pass(later);
    expectNoProblems(first);
    // The migration made yesterday .. today + 7; three days later, three more days are ahead.
    expect(first.created).toEqual([8, 9, 10].map((days) => partitionName(addDays(TODAY, days))));
    const names = [...(await partitions()).keys()];
    for (let days = 2; days <= 10; days++) {
      expect(names).toContain(partitionName(addDays(TODAY, days)));
    }

    const second = await pass(later);
    expectNoProblems(second);
    expect(second).toMatchObject({ created: [], dropped: [], moved: 0 });
    expect(Object.values(second.deleted).every((n) => n === 0)).toBe(true);
  });

  it('drops the events past 30 days with their minute rollups and counts, keeps those of 29 days, and the hour and day counts until COUNTS_RETENTION_DAYS', async () => {
    // At noon, so that two events a second apart share their minute.
    const old = addDays(TODAY, -40) + DAY_MS / 2;
    const recent = addDays(TODAY, -29) + DAY_MS / 2;
    await partitionedDay(dayOf(old));
    await partitionedDay(dayOf(recent));
    // A day with no partition: its rows wait in the DEFAULT partition, and expire from there.
    const unpartitioned = addDays(TODAY, -35) + DAY_MS / 2;
    await storeEvents(db.url, [
      event(old),
      event(old + 1000),
      event(unpartitioned),
      event(recent),
      event(recent + 1000),
      event(NOW),
    ]);
    const minuteRows = (before: number) =>
      count(
        `SELECT (SELECT count(*) FROM event_rollups_minute WHERE bucket < $1)
              + (SELECT count(*) FROM event_counts WHERE resolution = 'minute' AND bucket < $1) AS n`,
        [new Date(before)],
      );
    const coarseRows = (before: number) =>
      count(`SELECT count(*) AS n FROM event_counts WHERE resolution <> 'minute' AND bucket < $1`, [
        new Date(before),
      ]);
    const cutoff = addDays(TODAY, -30);
    expect(await minuteRows(cutoff)).toBeGreaterThan(0);
    const coarseBefore = await coarseRows(cutoff);
    expect(coarseBefore).toBeGreaterThan(0);

    const report = await pass();
    expectNoProblems(report);
    expect(report.dropped).toEqual([partitionName(dayOf(old))]);
    expect(report.deleted.events).toBe(1);
    // Minute rollups (one per minute, type, source, severity) and minute counts of the
    // expired days: 2 rollup rows, and type, severity and total counts of 2 minutes.
    expect(report.deleted.event_rollups_minute).toBe(2);
    expect(report.deleted.event_counts).toBe(6);

    expect(
      await count('SELECT count(*) AS n FROM events WHERE occurred_at < $1', [new Date(cutoff)]),
    ).toBe(0);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(3);
    expect((await partitions()).get(partitionName(dayOf(recent)))).toBe(2);
    expect(await minuteRows(cutoff)).toBe(0);
    // The 29-day-old events keep their minute rollups and counts.
    expect(
      await count(`SELECT sum(event_count) AS n FROM event_rollups_minute WHERE bucket < $1`, [
        new Date(dayOf(recent) + DAY_MS),
      ]),
    ).toBe(2);
    expect(await coarseRows(cutoff)).toBe(coarseBefore);

    // Hour and day counts go after COUNTS_RETENTION_DAYS: 30 days now.
    const shorter = await pass(NOW, { countsRetentionDays: 30 });
    expectNoProblems(shorter);
    expect(shorter.deleted.event_counts).toBe(coarseBefore);
    expect(await coarseRows(cutoff)).toBe(0);
    expect(
      await count(
        `SELECT sum(event_count) AS n FROM event_counts
          WHERE resolution = 'day' AND dimension = 'total' AND bucket = $1`,
        [new Date(dayOf(recent))],
      ),
    ).toBe(2);
  });

  it('keeps everything with 0 (for ever)', async () => {
    const old = NOW - 400 * DAY_MS;
    await partitionedDay(dayOf(old));
    await storeEvents(db.url, [event(old), event(NOW - 800 * DAY_MS)]);
    const report = await pass(NOW, {
      eventsRetentionDays: 0,
      countsRetentionDays: 0,
      incidentsRetentionDays: 0,
      deliveriesRetentionDays: 0,
    });
    expectNoProblems(report);
    expect(report.dropped).toEqual([]);
    expect(report.deleted).toEqual({});
    expect(await count('SELECT count(*) AS n FROM events')).toBe(2);
    // With no cutoff the row of 800 days ago is within the kept window: it gets its partition.
    expect((await partitions()).get(partitionName(dayOf(NOW - 800 * DAY_MS)))).toBe(1);
  });

  it('moves the rows of a day out of the DEFAULT partition when that day gets its partition, unchanged', async () => {
    // Ten days ahead: past the 7 made ahead, so these rows land in the DEFAULT partition.
    const ahead = NOW + 10 * DAY_MS;
    const futureDay = dayOf(ahead);
    await storeEvents(db.url, [event(ahead), event(ahead + 60_000), event(ahead + 120_000)]);
    await db.query(
      `UPDATE events SET payload = '{"k": [1, 2, {"x": "é"}]}', value = 2.5 WHERE occurred_at = $1`,
      [new Date(ahead)],
    );
    const farFuture = Date.parse('9999-12-31T23:59:59.999Z');
    await storeEvents(db.url, [event(farFuture)]);
    const snapshot = () =>
      db.query(`SELECT * FROM events WHERE occurred_at >= $1 ORDER BY id`, [new Date(futureDay)]);
    const before = await snapshot();
    expect((await partitions()).get('events_default')).toBe(4);

    // Nothing moves yet: that day is beyond the days made ahead.
    expectNoProblems(await pass());
    expect((await partitions()).get('events_default')).toBe(4);

    // Three days later it is within them.
    const report = await pass(NOW + 3 * DAY_MS);
    expectNoProblems(report);
    expect(report.created).toContain(partitionName(futureDay));
    expect(report.moved).toBe(3);
    const after = await partitions();
    expect(after.get(partitionName(futureDay))).toBe(3);
    expect(after.get('events_default')).toBe(1);
    expect(await snapshot()).toEqual(before);
    // The moved partition has the table's indexes, like every other.
    const indexes = await db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = $1`,
      [partitionName(futureDay)],
    );
    const shape = (definition: string) =>
      `${definition.startsWith('CREATE UNIQUE') ? 'unique ' : ''}${definition.replace(/^.* USING /, '')}`;
    expect(indexes.map((row) => shape(row.indexdef)).sort()).toEqual([
      'btree (occurred_at, id)',
      'btree (source, occurred_at)',
      'btree (type, occurred_at)',
      'unique btree (id, occurred_at)',
    ]);
  });

  it('deletes expired rows of the DEFAULT partition in chunks of 10,000', async () => {
    await db.query(
      `INSERT INTO events (id, type, source, severity, occurred_at)
       SELECT gen_random_uuid(), 'bulk', 's', 'low', $1::timestamptz + n * interval '1 ms'
         FROM generate_series(1, 25000) AS n`,
      [new Date(NOW - 100 * DAY_MS)],
    );
    const report = await pass();
    expectNoProblems(report);
    expect(report.deleted.events).toBe(25000);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(0);
  });

  it('deletes resolved incidents resolved before their cutoff with their deliveries, and deliveries past theirs, never open or acknowledged incidents', async () => {
    const daysAgo = (days: number) => new Date(NOW - days * DAY_MS);
    const incident = async (status: string, openedDaysAgo: number, resolvedDaysAgo?: number) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO incidents (id, rule_id, rule_name, group_key, severity, status, value,
                                aggregate, operator, threshold, window_kind, window_seconds,
                                window_start, window_end, opened_at, resolved_at, updated_at)
         VALUES ($1, 'r', 'rule', 'k', 'high', $2, 1, 'count', '>', 0, 'sliding', 60,
                 $3, $3, $3, $4, $3)`,
        [
          id,
          status,
          daysAgo(openedDaysAgo),
          resolvedDaysAgo === undefined ? null : daysAgo(resolvedDaysAgo),
        ],
      );
      return id;
    };
    const delivery = async (incidentId: string, daysAgoAt: number) =>
      db.query(
        `INSERT INTO deliveries (id, incident_id, rule_id, kind, channel_type, channel_index,
                                 target, attempt, max_attempts, outcome, duration_ms,
                                 idempotency_key, at)
         VALUES ($1, $2, 'r', 'incident.opened', 'webhook', 0, 'https://x', 1, 3, 'delivered', 5,
                 'key', $3)`,
        [randomUUID(), incidentId, daysAgo(daysAgoAt)],
      );
    const resolvedLongAgo = await incident('resolved', 500, 450);
    const resolvedRecently = await incident('resolved', 500, 10);
    const openLongAgo = await incident('open', 500);
    const acknowledgedLongAgo = await incident('acknowledged', 500);
    await delivery(resolvedLongAgo, 500);
    await delivery(resolvedLongAgo, 60);
    await delivery(resolvedRecently, 500);
    await delivery(resolvedRecently, 10);
    await delivery(openLongAgo, 100);
    await delivery(openLongAgo, 5);

    const report = await pass();
    expectNoProblems(report);
    expect(report.deleted.incidents).toBe(1);
    // Two with their incident, then two older than 90 days whatever their incident.
    expect(report.deleted.deliveries).toBe(4);
    const left = await db.query<{ id: string }>('SELECT id FROM incidents ORDER BY id');
    expect(left.map((row) => row.id)).toEqual(
      [resolvedRecently, openLongAgo, acknowledgedLongAgo].sort(),
    );
    const deliveries = await db.query<{ incident_id: string }>(
      'SELECT incident_id FROM deliveries ORDER BY at',
    );
    expect(deliveries.map((row) => row.incident_id)).toEqual([resolvedRecently, openLongAgo]);

    // Each setting on its own: 0 keeps deliveries; a shorter incidents retention takes the other.
    const again = await pass(NOW, { incidentsRetentionDays: 5, deliveriesRetentionDays: 0 });
    expectNoProblems(again);
    expect(again.deleted).toMatchObject({ incidents: 1, deliveries: 1 });
    expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(1);
  });

  it('is skipped while another session holds its lock, and two passes at once both end well', async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [RETENTION_LOCK_KEY.toString()]);
      const blocked = await pass(NOW + 3 * DAY_MS);
      expect(blocked.outcome).toBe('skipped');
      expect(blocked.problems).toEqual(['another retention pass holds the lock']);
      expect(blocked.created).toEqual([]);
    } finally {
      await holder.end();
    }

    await storeEvents(db.url, [event(NOW - 45 * DAY_MS), event(NOW + 9 * DAY_MS)]);
    const reports = await Promise.all([pass(NOW + 3 * DAY_MS), pass(NOW + 3 * DAY_MS)]);
    for (const report of reports) {
      expect(report.problems.filter((p) => !p.includes('holds the lock'))).toEqual([]);
      expect(['done', 'skipped']).toContain(report.outcome);
    }
    // Whoever did it, it was done once: three new days, the row 45 days old gone.
    expect(reports.flatMap((report) => report.created)).toHaveLength(3);
    expect(reports.reduce((sum, report) => sum + (report.deleted.events ?? 0), 0)).toBe(1);
    expect((await partitions()).get(partitionName(dayOf(NOW + 9 * DAY_MS)))).toBe(1);
  });

  it('does nothing on a table that is not partitioned yet', async () => {
    await db.query('DROP TABLE events');
    await db.query('CREATE TABLE events (id uuid PRIMARY KEY, occurred_at timestamptz)');
    const report = await pass();
    expect(report.outcome).toBe('skipped');
    expect(report.problems).toEqual(['events is not partitioned (the migrations are behind)']);
  });

  it('is run by the consumer at start-up, with its metrics', async () => {
    const old = addDays(TODAY, -40) + DAY_MS / 2;
    await partitionedDay(dayOf(old));
    await storeEvents(db.url, [event(old), event(NOW - 35 * DAY_MS)]);
    const consumer = startConsumer(`retention-${uniqueSuffix()}-`, db.url, {
      EVENTS_RETENTION_DAYS: '30',
      COUNTS_RETENTION_DAYS: '400',
      INCIDENTS_RETENTION_DAYS: '400',
      DELIVERIES_RETENTION_DAYS: '90',
    });
    try {
      const url = await baseUrlOf(consumer);
      await eventually(async () =>
        expect(
          await scrapeMetric(url, 'eventmon_retention_passes_total', { outcome: 'done' }),
        ).toBe(1),
      );
      expect(await scrapeMetric(url, 'eventmon_retention_partitions_dropped_total')).toBe(1);
      expect(
        await scrapeMetric(url, 'eventmon_retention_rows_deleted_total', { table: 'events' }),
      ).toBe(1);
      expect(
        await scrapeMetric(url, 'eventmon_retention_last_pass_timestamp_seconds'),
      ).toBeGreaterThan(NOW / 1000);
      expect(await count('SELECT count(*) AS n FROM events')).toBe(0);
      expect([...(await partitions()).keys()]).not.toContain(partitionName(dayOf(old)));
    } finally {
      await consumer.stop();
    }
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';
// The partition names are a contract with the consumer's retention pass, which only drops and
// recognises partitions named by partitionName: one definition serves both.
import { addDays, dayOf, isoDate, partitionName } from '../retention/utc-days';

/** Day partitions made ahead of today, as the consumer's default EVENTS_PARTITIONS_AHEAD_DAYS. */
const AHEAD_DAYS = 7;

/**
 * Existing rows older than this get no day partition here and wait in the DEFAULT partition,
 * where the consumer's first retention pass deletes them (or, with EVENTS_RETENTION_DAYS=0,
 * partitions them day by day). It is the longest default retention (COUNTS_RETENTION_DAYS),
 * and it bounds the locks this one transaction holds: about 7 per partition, against a lock
 * table of 64 per connection (`max_locks_per_transaction`).
 */
const PARTITIONED_PAST_DAYS = 400;

/** The columns of `events`, as the first migration made them; the key is added apart. */
const COLUMN_DEFINITIONS = `
        id uuid NOT NULL,
        type varchar(128) NOT NULL,
        source varchar(128) NOT NULL,
        severity varchar(8) NOT NULL
          CONSTRAINT events_severity_check CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        value double precision,
        payload jsonb,
        kafka_partition integer,
        kafka_offset bigint`;

const COLUMNS =
  'id, type, source, severity, occurred_at, received_at, value, payload, kafka_partition, kafka_offset';

/**
 * `events` becomes a table partitioned by UTC day of `occurred_at`, so that retention drops
 * whole days instead of deleting rows, and the indexes being written are those of today's
 * partition only. The primary key becomes (id, occurred_at): a partitioned table's unique keys
 * must hold the partition column, and a redelivered event carries the same id and occurred_at,
 * so `ON CONFLICT (id, occurred_at)` still skips it. The severity index goes (80-113 bytes of
 * WAL per row, docs/benchmarks.md): `?severity=` reads walk the time index and filter, a
 * quarter of the rows matching.
 *
 * Every existing row is copied, unchanged, inside this migration's transaction: indexes are
 * built after the copy (faster than maintaining them row by row), the old table is dropped at
 * the end. Reads and writes of `events` wait meanwhile. The partitions and rows are written
 * out here rather than made by the consumer's retention code, so this migration keeps doing
 * what it did whatever that code becomes; partition names and bounds are the same.
 */
export class PartitionEventsByDay1768000000000 implements MigrationInterface {
  name = 'PartitionEventsByDay1768000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE events RENAME TO events_unpartitioned`);
    await db.query(`ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey`);
    const days = await daysWithRows(db);
    await db.query(`
      DROP INDEX events_occurred_at_idx, events_type_occurred_at_idx,
                 events_source_occurred_at_idx, events_severity_occurred_at_idx`);

    await db.query(`
      CREATE TABLE events (${COLUMN_DEFINITIONS}) PARTITION BY RANGE (occurred_at)`);
    // Rows whose day has no partition: the far past and future (occurredAt may be 1970-9999).
    await db.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);
    for (const day of partitionDays(days, Date.now())) {
      await db.query(
        `CREATE TABLE ${partitionName(day)} PARTITION OF events
           FOR VALUES FROM ('${isoDate(day)} 00:00:00+00') TO ('${isoDate(addDays(day, 1))} 00:00:00+00')`,
      );
    }

    await db.query(`INSERT INTO events (${COLUMNS}) SELECT ${COLUMNS} FROM events_unpartitioned`);
    await db.query(`ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id, occurred_at)`);
    // Newest-first keyset pagination and backtests; the type and source filters with a time range.
    await db.query(`CREATE INDEX events_occurred_at_idx ON events (occurred_at, id)`);
    await db.query(`CREATE INDEX events_type_occurred_at_idx ON events (type, occurred_at)`);
    await db.query(`CREATE INDEX events_source_occurred_at_idx ON events (source, occurred_at)`);
    await db.query(`DROP TABLE events_unpartitioned`);
    // Autovacuum analyzes the partitions but never a partitioned table itself.
    await db.query(`ANALYZE events`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [twice] = (await db.query(
      `SELECT id, count(*)::int AS rows FROM events GROUP BY id HAVING count(*) > 1 LIMIT 1`,
    )) as Array<{ id: string; rows: number }>;
    if (twice) {
      throw new Error(
        `events holds id ${twice.id} ${twice.rows} times (with different occurred_at): a table ` +
          `keyed by id alone cannot take it; delete the rows to lose first`,
      );
    }
    await db.query(`ALTER TABLE events RENAME TO events_partitioned`);
    await db.query(`
      ALTER TABLE events_partitioned DROP CONSTRAINT events_pkey`);
    await db.query(`
      DROP INDEX events_occurred_at_idx, events_type_occurred_at_idx, events_source_occurred_at_idx`);
    await db.query(`
      CREATE TABLE events (${COLUMN_DEFINITIONS}, PRIMARY KEY (id))`);
    await db.query(`INSERT INTO events (${COLUMNS}) SELECT ${COLUMNS} FROM events_partitioned`);
    await db.query(`CREATE INDEX events_occurred_at_idx ON events (occurred_at, id)`);
    await db.query(`CREATE INDEX events_type_occurred_at_idx ON events (type, occurred_at)`);
    await db.query(`CREATE INDEX events_source_occurred_at_idx ON events (source, occurred_at)`);
    await db.query(
      `CREATE INDEX events_severity_occurred_at_idx ON events (severity, occurred_at)`,
    );
    await db.query(`DROP TABLE events_partitioned`);
  }
}

/**
 * The UTC days that hold rows, read one index probe per day from the old table's time index
 * (a loose index scan) instead of grouping every row.
 */
async function daysWithRows(db: QueryRunner): Promise<number[]> {
  const rows = (await db.query(`
    WITH RECURSIVE day AS (
      SELECT date_trunc('day', min(occurred_at), 'UTC') AS start FROM events_unpartitioned
      UNION ALL
      SELECT (SELECT date_trunc('day', min(e.occurred_at), 'UTC') FROM events_unpartitioned e
               WHERE e.occurred_at >= day.start + interval '1 day')
        FROM day WHERE day.start IS NOT NULL)
    SELECT (extract(epoch FROM start) * 1000)::float8 AS start FROM day WHERE start IS NOT NULL`)) as Array<{
    start: number;
  }>;
  return rows.map((row) => row.start);
}

/** Yesterday, today and the days ahead, and every day holding rows from PARTITIONED_PAST_DAYS on. */
function partitionDays(daysWithRows: number[], now: number): number[] {
  const today = dayOf(now);
  const first = addDays(today, -PARTITIONED_PAST_DAYS);
  const last = addDays(today, AHEAD_DAYS);
  const days = new Set(daysWithRows.filter((day) => day >= first && day <= last));
  for (let day = addDays(today, -1); day <= last; day = addDays(day, 1)) days.add(day);
  return [...days].sort((a, b) => a - b);
}

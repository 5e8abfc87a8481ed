import { ClientBase } from 'pg';
import { addDays, dayOfPartition, isoDate, partitionName, UtcDay } from './utc-days';

/** Where rows go whose day has no partition (made by the PartitionEventsByDay migration). */
export const DEFAULT_PARTITION = 'events_default';

/**
 * One row: whether `events` is a partitioned table, and the names of its partitions. Read by
 * `dayPartitions` here and by the gateway through its own connection pool.
 */
export const EVENTS_PARTITIONS_SQL = `SELECT p.relkind = 'p' AS partitioned,
       ARRAY(SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = p.oid) AS partitions
  FROM pg_class p WHERE p.oid = to_regclass('events')`;

export interface EventsPartitionsRow {
  partitioned: boolean;
  partitions: string[];
}

/**
 * The days that have a partition of `events`, from the row of `EVENTS_PARTITIONS_SQL`, or
 * undefined when `events` is not a partitioned table (the migrations have not reached
 * PartitionEventsByDay: nothing to maintain yet). Partitions named otherwise than
 * `partitionName` (the DEFAULT one, one attached by hand) are left out, so that retention never
 * drops them.
 */
export function daysOfPartitions(row: EventsPartitionsRow | undefined): UtcDay[] | undefined {
  if (!row?.partitioned) return undefined;
  return row.partitions.map(dayOfPartition).filter((day) => day !== undefined);
}

/** `daysOfPartitions` read through a pg client. */
export async function dayPartitions(client: ClientBase): Promise<UtcDay[] | undefined> {
  const { rows } = await client.query<EventsPartitionsRow>(EVENTS_PARTITIONS_SQL);
  return daysOfPartitions(rows[0]);
}

/**
 * The days of [from, to) that hold rows in the DEFAULT partition: one probe of its time index
 * per such day (a loose index scan), so a large DEFAULT partition costs little more than an
 * empty one.
 */
export async function daysInDefault(
  client: ClientBase,
  from: UtcDay | undefined,
  to: UtcDay,
): Promise<UtcDay[]> {
  const { rows } = await client.query<{ day: number }>(
    `WITH RECURSIVE day AS (
       SELECT date_trunc('day', min(occurred_at), 'UTC') AS start FROM ${DEFAULT_PARTITION}
        WHERE occurred_at >= $1 AND occurred_at < $2
       UNION ALL
       SELECT (SELECT date_trunc('day', min(e.occurred_at), 'UTC') FROM ${DEFAULT_PARTITION} e
                WHERE e.occurred_at >= day.start + interval '1 day' AND e.occurred_at < $2)
         FROM day WHERE day.start IS NOT NULL)
     SELECT (extract(epoch FROM start) * 1000)::float8 AS day FROM day WHERE start IS NOT NULL`,
    [from === undefined ? '-infinity' : new Date(from), new Date(to)],
  );
  return rows.map((row) => row.day);
}

/**
 * Makes the partition of one UTC day, moving into it the rows of that day that the DEFAULT
 * partition holds (PostgreSQL refuses a partition whose rows sit in the DEFAULT one), in one
 * transaction. The table is made apart, filled and then attached: ATTACH takes a SHARE UPDATE
 * EXCLUSIVE lock on `events`, which lets the consumer's inserts and the gateway's reads go on,
 * where CREATE TABLE ... PARTITION OF would stop them all. The DEFAULT partition is locked
 * against writes first, so that no row of the day lands there between the move and the attach;
 * ATTACH then checks it (a scan: it is small by design) and builds the partition's indexes.
 * Returns how many rows were moved.
 */
export async function createDayPartition(client: ClientBase, day: UtcDay): Promise<number> {
  const name = partitionName(day);
  const bounds = `FROM ('${isoDate(day)} 00:00:00+00') TO ('${isoDate(addDays(day, 1))} 00:00:00+00')`;
  await client.query('BEGIN');
  try {
    await client.query(`LOCK TABLE ${DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE`);
    await client.query(
      `CREATE TABLE ${name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
    const moved = await client.query(
      `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION}
                       WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *)
       INSERT INTO ${name} SELECT * FROM moved`,
      [new Date(day), new Date(addDays(day, 1))],
    );
    await client.query(`ALTER TABLE events ATTACH PARTITION ${name} FOR VALUES ${bounds}`);
    await client.query('COMMIT');
    return moved.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Makes the partition of each of `days` that has none yet (`createDayPartition`), as the
 * consumer's retention pass would have while their events arrived: for loading events of past
 * days in bulk (benchmarks, tests). Returns the partitions made.
 */
export async function ensureDayPartitions(
  client: ClientBase,
  days: readonly UtcDay[],
): Promise<string[]> {
  const existing = new Set(await dayPartitions(client));
  const made: string[] = [];
  for (const day of new Set(days)) {
    if (existing.has(day)) continue;
    await createDayPartition(client, day);
    made.push(partitionName(day));
  }
  return made;
}

/**
 * Drops the partition of one day, with its rows: no row-by-row DELETE, no dead tuples left for
 * vacuum. Takes an ACCESS EXCLUSIVE lock on `events` for a moment. Returns the planner's
 * estimate of the rows it held (counting them would read them all).
 */
export async function dropDayPartition(client: ClientBase, day: UtcDay): Promise<number> {
  const name = partitionName(day);
  const { rows } = await client.query<{ estimate: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = to_regclass($1)`,
    [name],
  );
  await client.query(`DROP TABLE ${name}`);
  return rows[0]?.estimate ?? 0;
}

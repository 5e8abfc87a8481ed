import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, DAY_MS, dayOf, MIGRATIONS, partitionName } from '@app/database';
import {
  EventBatchRepository,
  PersistableEvent,
  persistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';
import { withDatabaseName } from '../../tools/infra/scratch-database';
import { requiredEnv, uniqueSuffix } from '../support/integration-env';

const PARTITIONING = MIGRATIONS.findIndex((m) => m.name === 'PartitionEventsByDay1768000000000');

/**
 * The database migrated with `migrations`: by default as the previous release left it, up to
 * 1767000000000 only.
 */
async function previousSchema(url: string, migrations = MIGRATIONS.slice(0, PARTITIONING)) {
  const dataSource = new DataSource({
    ...dataSourceOptions({ url, poolSize: 1 }),
    migrations,
    logging: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * The consumer's repository; on the previous schema with the statement the previous release
 * sent (its conflict target was the id alone).
 */
function consumerRepository(dataSource: DataSource, previous = false): EventBatchRepository {
  const query = (sql: string, params?: unknown[]) =>
    dataSource.query(
      previous ? sql.replace('ON CONFLICT (id, occurred_at)', 'ON CONFLICT (id)') : sql,
      params,
    );
  return new EventBatchRepository({ query } as unknown as DataSource);
}

const NOW = Date.now();
const TODAY = dayOf(NOW);
const FAR_PAST = Date.parse('1971-03-04T05:06:07.891Z');
const FAR_FUTURE = Date.parse('9999-06-01T12:00:00Z');
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Events over several days, the far past and future, with values and payloads. */
function eventsOfThePast(): PersistableEvent[] {
  const times = [
    FAR_PAST,
    NOW - 500 * DAY_MS,
    NOW - 20 * DAY_MS,
    NOW - 5 * DAY_MS,
    NOW - DAY_MS,
    NOW,
    NOW + 3 * DAY_MS,
    FAR_FUTURE,
  ];
  return Array.from({ length: 400 }, (_, i) =>
    persistableEvent(
      {
        id: randomUUID(),
        type: `type.${i % 5}`,
        source: `source-${i % 7}`,
        severity: SEVERITIES[i % 4],
        occurredAt: new Date(times[i % times.length] + i * 1000),
        value: i % 3 === 0 ? i / 4 : null,
        payload: i % 2 === 0 ? { i, nested: { list: [1, 'two', null] }, text: 'é"\\' } : null,
      },
      i % 6,
      String(1000 + i),
    ),
  );
}

describe('the PartitionEventsByDay migration', () => {
  const serverUrl = requiredEnv('DATABASE_URL');
  const name = `scratch_partition_${uniqueSuffix()}`;
  const url = withDatabaseName(serverUrl, name);
  let dataSource: DataSource | undefined;

  const onServer = async (sql: string) => {
    const admin = new DataSource({
      ...dataSourceOptions({ url: withDatabaseName(serverUrl, 'postgres'), poolSize: 1 }),
      logging: false,
    });
    await admin.initialize();
    try {
      await admin.query(sql);
    } finally {
      await admin.destroy();
    }
  };

  beforeAll(() => onServer(`CREATE DATABASE ${name}`));
  afterAll(async () => {
    await dataSource?.destroy();
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const snapshot = async (db: DataSource) => ({
    events: await db.query<Array<Record<string, unknown>>>(
      `SELECT id, type, source, severity, occurred_at, received_at, value, payload,
              kafka_partition, kafka_offset FROM events ORDER BY id`,
    ),
    rollups: await db.query(`SELECT * FROM event_rollups_minute ORDER BY 1, 2, 3, 4`),
    counts: await db.query(`SELECT * FROM event_counts ORDER BY 1, 2, 3, 4`),
  });

  it('moves every row of the previous schema, unchanged, into its day partition or the default one', async () => {
    const events = eventsOfThePast();
    const previous = await previousSchema(url);
    let before: Awaited<ReturnType<typeof snapshot>>;
    try {
      for (let first = 0; first < events.length; first += 100) {
        await consumerRepository(previous, true).insertBatch(events.slice(first, first + 100));
      }
      before = await snapshot(previous);
    } finally {
      await previous.destroy();
    }
    expect(before.events).toHaveLength(400);

    dataSource = await previousSchema(url, MIGRATIONS);
    const names = await dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM schema_migrations ORDER BY timestamp',
    );
    expect(names.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(await snapshot(dataSource)).toEqual(before);
    const db = dataSource;

    // Each row in its day's partition within 400 days back .. 7 ahead, the rest in the default.
    const placed = await db.query<Array<{ partition: string; occurred_at: Date }>>(
      `SELECT tableoid::regclass::text AS partition, occurred_at FROM events`,
    );
    for (const row of placed) {
      const day = dayOf(row.occurred_at.getTime());
      const partitioned = day >= TODAY - 400 * DAY_MS && day <= TODAY + 7 * DAY_MS;
      expect([row.occurred_at.toISOString(), row.partition]).toEqual([
        row.occurred_at.toISOString(),
        partitioned ? partitionName(day) : 'events_default',
      ]);
    }
    const inDefault = placed.filter((row) => row.partition === 'events_default');
    expect(inDefault.map((row) => row.occurred_at.getUTCFullYear()).sort()).toEqual(
      expect.arrayContaining([1971, 9999]),
    );
    expect(inDefault).toHaveLength(150);

    // Every partition, the default one included, has the key and the three secondary indexes.
    const indexes = await db.query<
      Array<{ partition: string; indexes: number; has_unique: boolean }>
    >(
      `SELECT c.relname AS partition, count(x.indexrelid)::int AS indexes,
              bool_or(x.indisunique) AS has_unique
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         LEFT JOIN pg_index x ON x.indrelid = c.oid
        WHERE i.inhparent = 'events'::regclass GROUP BY c.relname`,
    );
    expect(indexes.length).toBeGreaterThanOrEqual(10);
    for (const partition of indexes) {
      expect(partition).toMatchObject({ indexes: 4, has_unique: true });
    }
    const parentIndexes = await db.query<Array<{ indexname: string; indexdef: string }>>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname`,
    );
    expect(parentIndexes.map((row) => row.indexname)).toEqual([
      'events_occurred_at_idx',
      'events_pkey',
      'events_source_occurred_at_idx',
      'events_type_occurred_at_idx',
    ]);
    expect(parentIndexes[1].indexdef).toContain('(id, occurred_at)');

    // A redelivered batch (same ids and occurred_at) inserts nothing and counts nothing.
    const repository = consumerRepository(db);
    const countsBefore = await snapshot(db);
    for (let first = 0; first < events.length; first += 100) {
      expect(await repository.insertBatch(events.slice(first, first + 100))).toBe(0);
    }
    expect(await snapshot(db)).toEqual(countsBefore);
    // Same key, other content: a conflict; same id at another time: a new event.
    const [stored] = events;
    const changed = { ...stored, severity: 'critical' as const };
    expect(stored.severity).not.toBe('critical');
    expect(await repository.insertBatch([changed])).toBe(0);
    expect(await repository.findConflicts([events[1], changed])).toEqual([1]);
    const later = { ...stored, occurredAt: new Date(NOW).toISOString() };
    expect(await repository.insertBatch([later])).toBe(1);
    expect(await repository.findConflicts([later])).toEqual([]);

    // The consumer's statement writes new events, rollups and counts on the new table.
    const fresh = eventsOfThePast().slice(0, 50);
    expect(await repository.insertBatch(fresh)).toBe(50);
    const [{ n }] = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM events`);
    expect(n).toBe(451);
    const [{ total }] = await db.query<Array<{ total: number }>>(
      `SELECT sum(event_count)::int AS total FROM event_rollups_minute`,
    );
    expect(total).toBe(451);
  });

  it('down() brings a plain table keyed by id back, with every row, unless an id is stored twice', async () => {
    const db = dataSource!;
    const undo = async () => {
      // The later migrations first (IndexDeliveriesByTime, CreateApiKeys...), then PartitionEventsByDay.
      for (let index = MIGRATIONS.length - 1; index >= PARTITIONING; index--) {
        await db.undoLastMigration({ transaction: 'each' });
      }
    };
    // The previous test stored one id at two times: the key of the old table cannot hold it.
    await expect(undo()).rejects.toThrow(/events holds id .* 2 times/);
    await db.query(
      `DELETE FROM events WHERE id = (SELECT id FROM events GROUP BY id HAVING count(*) > 1)
                            AND occurred_at = (SELECT max(occurred_at) FROM events e2
                                                WHERE e2.id = events.id)`,
    );
    // The failed attempt left the later migrations undone: redo them first.
    await db.runMigrations({ transaction: 'each' });
    const before = await snapshot(db);
    await undo();
    expect(await snapshot(db)).toEqual(before);
    const [table] = await db.query<Array<{ kind: string }>>(
      `SELECT relkind::text AS kind FROM pg_class WHERE oid = 'events'::regclass`,
    );
    expect(table.kind).toBe('r');
    const indexes = await db.query<Array<{ indexname: string }>>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname`,
    );
    expect(indexes.map((row) => row.indexname)).toEqual([
      'events_occurred_at_idx',
      'events_pkey',
      'events_severity_occurred_at_idx',
      'events_source_occurred_at_idx',
      'events_type_occurred_at_idx',
    ]);
    expect(await consumerRepository(db, true).insertBatch(eventsOfThePast().slice(0, 10))).toBe(10);
  });
});

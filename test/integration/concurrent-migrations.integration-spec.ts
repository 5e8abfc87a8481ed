import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS, runMigrations } from '@app/database';
import { MIGRATION_LOCK_KEY, withMigrationLock } from '@app/database/migration-lock';
import { withDatabaseName } from '../../tools/infra/scratch-database';
import { eventually } from '../support/eventually';
import { requiredEnv, uniqueSuffix } from '../support/integration-env';

interface EmptyDatabase {
  url: string;
  connect(): Promise<Client>;
  drop(): Promise<void>;
}

/** A database with nothing in it, not even `schema_migrations` (a scratch one comes migrated). */
async function createEmptyDatabase(): Promise<EmptyDatabase> {
  const serverUrl = requiredEnv('DATABASE_URL');
  const name = `scratch_migrate_${uniqueSuffix()}`;
  const connectTo = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client;
  };
  const onMaintenance = async (sql: string) => {
    const admin = await connectTo(withDatabaseName(serverUrl, 'postgres'));
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await onMaintenance(`CREATE DATABASE ${name}`);
  const url = withDatabaseName(serverUrl, name);
  return {
    url,
    connect: () => connectTo(url),
    drop: () => onMaintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const ALL_MIGRATIONS = MIGRATIONS.map((migration) => new migration().name);

describe('migrations run from several processes at once', () => {
  let database: EmptyDatabase;
  let holder: Client | undefined;

  beforeEach(async () => {
    database = await createEmptyDatabase();
  });
  afterEach(async () => {
    await holder?.end();
    holder = undefined;
    await database?.drop();
  });

  /** Another session (another process, for the lock) takes the migration lock and keeps it. */
  async function holdLock(): Promise<Client> {
    holder = await database.connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    return holder;
  }

  it('apply each migration once: one run applies them all, the others find nothing pending', async () => {
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(database.url)));

    expect(results.filter((applied) => applied.length > 0)).toEqual([ALL_MIGRATIONS]);
    expect(results.filter((applied) => applied.length === 0)).toHaveLength(2);

    const dataSource = new DataSource({
      ...dataSourceOptions({ url: database.url, poolSize: 1 }),
      logging: false,
    });
    await dataSource.initialize();
    try {
      const recorded = await dataSource.query<Array<{ name: string }>>(
        'SELECT name FROM schema_migrations ORDER BY timestamp',
      );
      expect(recorded.map((row) => row.name)).toEqual(ALL_MIGRATIONS);
      const tables = await dataSource.query<Array<{ table_name: string }>>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(dataSource.entityMetadatas.map((entity) => entity.tableName)),
      );
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await dataSource.destroy();
    }
  });

  it('wait while another session holds the lock, and apply once its connection closes', async () => {
    const other = await holdLock();

    const run = runMigrations(database.url);
    const observer = await database.connect();
    try {
      await eventually(
        async () => {
          const [{ waiting }] = (
            await observer.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                  AND wait_event = 'advisory'`,
            )
          ).rows;
          expect(waiting).toBe(1);
        },
        { timeoutMs: 30000 },
      );
      const [{ table }] = (
        await observer.query<{ table: string | null }>(
          `SELECT to_regclass('schema_migrations')::text AS table`,
        )
      ).rows;
      expect(table).toBeNull();
    } finally {
      await observer.end();
    }

    // As when the process holding it dies: the server drops a session's locks with it.
    await other.end();
    holder = undefined;
    expect(await run).toEqual(ALL_MIGRATIONS);
  });

  it('give up with an error naming the lock when it cannot be had in time', async () => {
    await holdLock();
    const body = jest.fn(() => Promise.resolve('ran'));

    await expect(withMigrationLock(database.url, body, 300)).rejects.toThrow(
      `could not take the migration lock (PostgreSQL advisory lock ${MIGRATION_LOCK_KEY}) within 300 ms`,
    );
    expect(body).not.toHaveBeenCalled();
  });
});

import { Client } from 'pg';

/**
 * The key of the PostgreSQL advisory lock that serialises migration runs: the ASCII bytes of
 * "eventmon" read as a big-endian 64-bit integer (7311142570156715886). `pg_locks` shows it
 * as locktype `advisory`, classid 1702258030, objid 1953329006. Advisory locks belong to one
 * database, so deployments on separate databases of one server do not wait for each other.
 */
export const MIGRATION_LOCK_KEY = Buffer.from('eventmon', 'ascii').readBigInt64BE(0);

/**
 * How long a run waits for another one to finish. Migrations so far take seconds; five
 * minutes covers a slow one on a busy server, and still ends a run stuck behind a process
 * that hangs while holding the lock instead of waiting for ever.
 */
export const MIGRATION_LOCK_WAIT_MS = 5 * 60_000;

/**
 * Runs `body` while holding the migration lock, taken on a connection of its own. The lock is
 * session-level (a transaction-level one could not span TypeORM's transaction per migration),
 * so it is released by `pg_advisory_unlock`, or by the server when the connection drops (a
 * process that dies mid-run does not leave it held).
 */
export async function withMigrationLock<T>(
  url: string,
  body: () => Promise<T>,
  waitMs: number = MIGRATION_LOCK_WAIT_MS,
): Promise<T> {
  const client = new Client({
    connectionString: url,
    application_name: 'eventmon-migrations',
    connectionTimeoutMillis: 5000,
  });
  // A connection lost while `body` runs must not crash the process from an unhandled 'error'
  // event: the unlock below then fails, and the server has released the lock already.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await acquire(client, waitMs);
    try {
      return await body();
    } finally {
      // Failing only when the connection is gone, which released the lock: keep body's outcome.
      await client
        .query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()])
        .catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

/** The server bounds the wait: `lock_timeout` applies to advisory locks as to any other. */
async function acquire(client: Client, waitMs: number): Promise<void> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
      throw new Error(
        `could not take the migration lock (PostgreSQL advisory lock ${MIGRATION_LOCK_KEY}) ` +
          `within ${waitMs} ms: another process is applying migrations or holds it (see pg_locks)`,
      );
    }
    throw error;
  }
}

const LOCK_NOT_AVAILABLE = '55P03';

import { Client } from 'pg';
import { runMigrations } from '@app/database';

export interface ScratchDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one statement on the server's `postgres` database: CREATE or DROP DATABASE. */
export async function onMaintenanceDatabase(serverUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database on the given server, so a test or a benchmark run never sees
 * another's rows; `drop()` removes it, closing whatever is still connected.
 */
export async function createScratchDatabase(
  serverUrl: string,
  label: string,
): Promise<ScratchDatabase> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const name = `scratch_${label}_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await onMaintenanceDatabase(serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabaseName(serverUrl, name);
  await runMigrations(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async <T>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params)).rows as T[],
    drop: async () => {
      await client.end();
      await onMaintenanceDatabase(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

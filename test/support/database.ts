import { Client } from 'pg';
import { runMigrations } from '@app/database';
import { requiredEnv, uniqueSuffix } from './integration-env';

export interface ScratchDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh, migrated database on the test server, so tests never see each other's rows. */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const serverUrl = requiredEnv('DATABASE_URL');
  const name = `test_${label}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  await runMigrations(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async <T>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params)).rows as T[],
    drop: async () => {
      await client.end();
      const dropper = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

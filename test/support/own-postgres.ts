import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@app/database';
import { freePort } from '../../tools/infra/ports';
import { PostgresProcess } from '../../tools/infra/postgres-process';
import { scrapeMetric } from './metrics';

export interface OwnPostgres {
  url: string;
  /** Stops and starts the server under the app's feet, to stage an outage. */
  process: PostgresProcess;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
}

/**
 * A PostgreSQL server of the test's own (the shared one must not go down), migrated, and
 * stopped afterwards whatever happens: for the outage tests.
 */
export async function withOwnPostgres(body: (postgres: OwnPostgres) => Promise<void>) {
  const process = new PostgresProcess({
    port: await freePort(),
    dataDir: mkdtempSync(join(tmpdir(), 'eventmon-pg-')),
  });
  await process.start();
  try {
    await runMigrations(process.url);
    const query = async (sql: string) => {
      const client = new Client({ connectionString: process.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Array<Record<string, unknown>>;
      } finally {
        await client.end();
      }
    };
    await body({ url: process.url, process, query });
  } finally {
    await process.stop();
  }
}

/** While the database is down the consumer says it waits for it, and /health says 503. */
export async function expectWaitingForDatabase(
  baseUrl: string,
  eventually: (assertion: () => Promise<void>) => Promise<void>,
): Promise<void> {
  await eventually(async () =>
    expect(
      await scrapeMetric(baseUrl, 'eventmon_consumer_waiting', { dependency: 'database' }),
    ).toBe(1),
  );
  const health = await fetch(`${baseUrl}/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ error: { database: { status: 'down' } } });
}

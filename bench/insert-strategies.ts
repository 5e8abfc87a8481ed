/**
 * What each lever on the consumer's write costs or saves, measured on the whole write: events,
 * per-minute rollups and `event_counts`, in one transaction per batch, as the consumer does.
 * `node dist/bench/insert-strategies.js` against DATABASE_URL (default: the local stack's).
 *
 * Every strategy writes the same rows in the same batches into a fresh database of its own,
 * then writes the first tenth of them again (a redelivery: ON CONFLICT skips them all), and
 * must leave the tables exactly as the baseline, the consumer's own statement, left them.
 * The reference is PostgreSQL's raw COPY of as many rows into a copy of the events table with
 * its indexes (no rollups, no counts, no conflict check), measured before and after the runs.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from '@app/config';
import { PersistableEvent } from '../apps/consumer/src/repositories/event-batch.repository';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { TableContents, contentDifferences, tableContents } from './insert/contents';
import { productStatement } from './insert/product-statement';
import { batchesOf, benchRows } from './insert/rows';
import { Strategy, strategies } from './insert/strategies';
import { copyReference } from './references/copy-reference';
import { fmt, numberOption, say, stringOption } from './support';

const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const total = numberOption('--rows', 200_000);
const batchSize = numberOption('--batch', 1_000);
const redeliverPercent = numberOption('--redeliver-percent', 10);
/** 1 ms apart: a batch of 1,000 spans a second, as a live stream at 1,000/s or more does. */
const spacingMs = numberOption('--spacing-ms', 1);
/** Starts 100 s before a UTC midnight, so the rows cross a day (two partitions written). */
const start = new Date(stringOption('--start', '2026-11-23T23:58:20Z'));
const only = new RegExp(stringOption('--only', '.'));

interface Pass {
  rows: number;
  seconds: number;
}

async function timedPass(
  client: Client,
  strategy: Strategy,
  batches: PersistableEvent[][],
): Promise<Pass & { inserted: number }> {
  let inserted = 0;
  let rows = 0;
  const started = performance.now();
  for (const batch of batches) {
    inserted += await strategy.method.write(client, batch);
    rows += batch.length;
  }
  return { rows, inserted, seconds: (performance.now() - started) / 1000 };
}

interface Result {
  write: Pass;
  redelivery: Pass;
  contents: TableContents;
}

/** One strategy on a fresh database: the write, the redelivery, then what the tables hold. */
async function run(strategy: Strategy, rows: PersistableEvent[]): Promise<Result> {
  const db = await createScratchDatabase(serverUrl, 'insert');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await strategy.schema.apply(client, rows);
    await strategy.method.connect?.(client);
    // Start every run from clean shared buffers' worth of dirty pages: the last run's writes
    // are flushed now, not during this one.
    await client.query('CHECKPOINT');
    const batches = batchesOf(rows, batchSize);
    const write = await timedPass(client, strategy, batches);
    if (write.inserted !== rows.length)
      throw new Error(`${strategy.name} inserted ${write.inserted} of ${rows.length} rows`);
    const again = batches.slice(0, Math.round((batches.length * redeliverPercent) / 100));
    const redelivery = await timedPass(client, strategy, again);
    if (redelivery.inserted !== 0)
      throw new Error(`${strategy.name} inserted ${redelivery.inserted} redelivered rows`);
    return { write, redelivery, contents: await tableContents(client) };
  } finally {
    await client.end();
    await db.drop();
  }
}

async function copyRate(): Promise<number> {
  const db = await createScratchDatabase(serverUrl, 'insert_copy');
  try {
    return (await copyReference(db.url, total)).rate;
  } finally {
    await db.drop();
  }
}

const perRow = (pass: Pass): string =>
  (pass.rows ? (pass.seconds * 1e6) / pass.rows : 0).toFixed(1);
const rate = (pass: Pass): number => pass.rows / pass.seconds;

async function main(): Promise<void> {
  const rows = benchRows(total, start, spacingMs);
  const chosen = strategies(await productStatement(rows[0])).filter(
    (strategy, index) => index === 0 || only.test(strategy.name),
  );
  say(
    `${fmt(total)} rows in batches of ${fmt(batchSize)}, then ${redeliverPercent}% again; ` +
      `events + rollups + counts per batch, each strategy on a fresh database`,
  );
  const copyBefore = await copyRate();
  say(`reference: raw COPY into a copy of events with its indexes: ${fmt(copyBefore)} rows/s`);
  say(
    `${'strategy'.padEnd(28)}${'rows/s'.padStart(9)}${'µs/row'.padStart(8)}` +
      `${'/COPY'.padStart(7)}${'redelivered/s'.padStart(15)}${'µs/row'.padStart(8)}`,
  );
  let baseline: TableContents | undefined;
  for (const strategy of chosen) {
    const result = await run(strategy, rows);
    baseline ??= result.contents;
    const differences = contentDifferences(baseline, result.contents);
    if (differences.length > 0)
      throw new Error(`${strategy.name} stored other contents: ${differences.join('; ')}`);
    say(
      `${strategy.name.padEnd(28)}${fmt(rate(result.write)).padStart(9)}` +
        `${perRow(result.write).padStart(8)}` +
        `${`${Math.round((100 * rate(result.write)) / copyBefore)}%`.padStart(7)}` +
        `${fmt(rate(result.redelivery)).padStart(15)}${perRow(result.redelivery).padStart(8)}`,
    );
  }
  const copyAfter = await copyRate();
  say(`reference again after the runs: ${fmt(copyAfter)} rows/s (ratios above use the first)`);
  say(`tables as the baseline's: ${JSON.stringify(baseline)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

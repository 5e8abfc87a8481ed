/**
 * What each lever on the consumer's write costs or saves, measured on the whole write: events,
 * per-minute rollups and `event_counts`, in one transaction per batch, as the consumer does.
 * `node dist/bench/insert-strategies.js` against DATABASE_URL (default: the local stack's).
 *
 * Every strategy writes the same rows in the same batches into a fresh database of its own,
 * then writes the first tenth of them again (a redelivery: ON CONFLICT skips them all), and
 * must leave the tables exactly as the baseline, the consumer's own statement, left them.
 * The reference is PostgreSQL's raw COPY of as many rows into a copy of the events table with
 * its indexes (no rollups, no counts, no conflict check), measured once per round.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from '@app/config';
import { PersistableEvent } from '../apps/consumer/src/repositories/event-batch.repository';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { Costs, costMeter } from './insert/costs';
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
/** Runs of the whole list; the summary gives each strategy's median. */
const rounds = numberOption('--rounds', 1);

interface Pass {
  rows: number;
  seconds: number;
  costs: Costs;
}

async function timedPass(
  client: Client,
  strategy: Strategy,
  batches: PersistableEvent[][],
): Promise<Pass & { inserted: number }> {
  let inserted = 0;
  let rows = 0;
  const spent = await costMeter(client);
  const started = performance.now();
  for (const batch of batches) {
    inserted += await strategy.method.write(client, batch);
    rows += batch.length;
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows, inserted, seconds, costs: await spent() };
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

const microsPerRow = (pass: Pass): number => (pass.seconds * 1e6) / pass.rows;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const spread = (values: number[]): string =>
  values.length > 1 ? `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}` : '';

/** Per row, one entry per round: wall µs of the write and of the redelivery; the write's costs. */
interface Timings {
  write: number[];
  redelivery: number[];
  serverCpu: number[];
  clientCpu: number[];
  walBytes: number[];
}

/**
 * Runs every chosen strategy `rounds` times, each round starting one strategy later so no
 * strategy always runs first or last, and the COPY reference once per round.
 */
async function measure(
  chosen: Strategy[],
  rows: PersistableEvent[],
): Promise<{ timings: Map<Strategy, Timings>; copyRates: number[] }> {
  const timings = new Map<Strategy, Timings>(
    chosen.map((strategy) => [
      strategy,
      { write: [], redelivery: [], serverCpu: [], clientCpu: [], walBytes: [] },
    ]),
  );
  const copyRates: number[] = [];
  let baseline: TableContents | undefined;
  for (let round = 0; round < rounds; round++) {
    copyRates.push(await copyRate());
    say(`round ${round + 1}: raw COPY ${fmt(copyRates[round])} rows/s`);
    for (let i = 0; i < chosen.length; i++) {
      const strategy = chosen[(round + i) % chosen.length];
      const result = await run(strategy, rows);
      // Round 1 runs the baseline first: every run after it must store the same.
      baseline ??= result.contents;
      const differences = contentDifferences(baseline, result.contents);
      if (differences.length > 0)
        throw new Error(`${strategy.name} stored other contents: ${differences.join('; ')}`);
      const timing = timings.get(strategy) as Timings;
      timing.write.push(microsPerRow(result.write));
      timing.redelivery.push(microsPerRow(result.redelivery));
      const { costs, rows: written } = result.write;
      timing.serverCpu.push((costs.serverCpuSeconds * 1e6) / written);
      timing.clientCpu.push((costs.clientCpuSeconds * 1e6) / written);
      timing.walBytes.push(costs.walBytes / written);
      say(
        `  ${strategy.name.padEnd(28)} ${fmt(rate(result.write)).padStart(7)} rows/s, ` +
          `redelivery ${fmt(rate(result.redelivery))} rows/s`,
      );
    }
  }
  say(`tables, identical for every run: ${JSON.stringify(baseline)}`);
  return { timings, copyRates };
}

const rate = (pass: Pass): number => pass.rows / pass.seconds;

async function main(): Promise<void> {
  const rows = benchRows(total, start, spacingMs);
  const chosen = strategies(await productStatement(rows[0])).filter(
    (strategy, index) => index === 0 || only.test(strategy.name),
  );
  say(
    `${fmt(total)} rows in batches of ${fmt(batchSize)}, then the first ${redeliverPercent}% ` +
      `again; events + rollups + counts per batch; each run on a fresh database; ${rounds} round(s)`,
  );
  const { timings, copyRates } = await measure(chosen, rows);
  const copy = median(copyRates);
  const baseline = median((timings.get(chosen[0]) as Timings).write);
  say(
    `\nmedians of ${rounds} round(s); reference: raw COPY into a copy of events with its ` +
      `indexes, ${fmt(copy)} rows/s (${(1e6 / copy).toFixed(1)} µs/row)\n` +
      'per row of the write: wall µs, its range over the rounds and change against the ' +
      "baseline; CPU µs of the statements' PostgreSQL backend and of this process; WAL bytes",
  );
  say(
    `${'strategy'.padEnd(28)}${'rows/s'.padStart(8)}${'µs/row'.padStart(8)}${'range'.padStart(12)}` +
      `${'vs base'.padStart(9)}${'/COPY'.padStart(7)}${'pg CPU'.padStart(8)}` +
      `${'node CPU'.padStart(9)}${'WAL B'.padStart(7)}${'redelivered/s'.padStart(15)}` +
      `${'µs/row'.padStart(8)}`,
  );
  for (const [strategy, timing] of timings) {
    const write = median(timing.write);
    const redelivery = median(timing.redelivery);
    const delta = write - baseline;
    say(
      `${strategy.name.padEnd(28)}${fmt(1e6 / write).padStart(8)}${write.toFixed(1).padStart(8)}` +
        `${spread(timing.write).padStart(12)}` +
        `${`${delta > 0 ? '+' : ''}${delta.toFixed(1)}`.padStart(9)}` +
        `${`${Math.round((100 * 1e6) / write / copy)}%`.padStart(7)}` +
        `${median(timing.serverCpu).toFixed(1).padStart(8)}` +
        `${median(timing.clientCpu).toFixed(1).padStart(9)}` +
        `${fmt(median(timing.walBytes)).padStart(7)}` +
        `${fmt(1e6 / redelivery).padStart(15)}${redelivery.toFixed(1).padStart(8)}`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

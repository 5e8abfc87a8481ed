/**
 * `node dist/bench/explain-insert.js [--prefill N] [--batch B] [--runs R]`: the consumer's write
 * statement (EventBatchRepository.insertBatch: events, minute rollups and event_counts in one
 * statement) under EXPLAIN (ANALYZE, BUFFERS, WAL), on a batch of B new events of the pipeline
 * bench's mix, in a scratch database already holding N events stored the same way (so its
 * indexes, rollups and counts are as deep as mid-drain). Prints every run's time and the last
 * run's plan. Needs DATABASE_URL: a server where it may create a database.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DEFAULT_EVENT_LIMITS, decodeStorableEvent, keyedEventIds } from '@app/contracts';
import {
  EventBatchRepository,
  PersistableEvent,
  persistableEvent,
} from '../apps/consumer/src/repositories/event-batch.repository';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { eventMessage, kafkaPositionOf } from './pipeline-events';
import { fmt, numberOption, say } from './support';

const PREFILL = numberOption('--prefill', 300_000);
const BATCH = numberOption('--batch', 1000);
const RUNS = numberOption('--runs', 3);
const PREFILL_BATCH = 5000;

const deriveId = keyedEventIds('explain-insert-bench-secret');

/** Events `from` .. `from + count - 1` of the generator, decoded as the consumer decodes them. */
function decodedEvents(from: number, count: number): PersistableEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const index = from + i;
    const message = eventMessage(index);
    const position = kafkaPositionOf(index);
    const partition = position.partition;
    const offset = String(position.offset);
    const decoded = decodeStorableEvent(
      {
        topic: 'events',
        partition,
        offset,
        key: Buffer.from(String(message.key)),
        value: Buffer.from(String(message.value)),
        timestamp: String(Date.now()),
      },
      DEFAULT_EVENT_LIMITS,
      deriveId,
    );
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    return persistableEvent(
      decoded.event,
      partition,
      offset,
      decoded.payloadJson,
      decoded.occurredAtIso,
    );
  });
}

/** What EventBatchRepository needs of a DataSource, on a pg client, optionally under EXPLAIN. */
function repositoryOn(client: Client, explain?: (plan: string[]) => void) {
  const query = async (sql: string, params: unknown[]) => {
    if (!explain) return (await client.query<Record<string, unknown>>(sql, params)).rows;
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, WAL) ${sql}`,
      params,
    );
    explain(rows.map((row) => row['QUERY PLAN']));
    return [];
  };
  return new EventBatchRepository({ query } as unknown as DataSource);
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL to a server where a database may be created');
  const db = await createScratchDatabase(serverUrl, 'explain');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    say(`prefilling ${fmt(PREFILL)} events in batches of ${fmt(PREFILL_BATCH)}`);
    const plain = repositoryOn(client);
    for (let from = 0; from < PREFILL; from += PREFILL_BATCH)
      await plain.insertBatch(decodedEvents(from, Math.min(PREFILL_BATCH, PREFILL - from)));
    await client.query('VACUUM ANALYZE');

    let plan: string[] = [];
    const explained = repositoryOn(client, (lines) => (plan = lines));
    for (let run = 0; run < RUNS; run++) {
      await explained.insertBatch(decodedEvents(PREFILL + run * BATCH, BATCH));
      say(`run ${run + 1}: ${plan.filter((l) => /^(Planning|Execution) Time/.test(l)).join(', ')}`);
    }
    say(`\nEXPLAIN (ANALYZE, BUFFERS, WAL) of the last run, a batch of ${fmt(BATCH)} new events:`);
    for (const line of plan) say(line);
  } finally {
    await client.end();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

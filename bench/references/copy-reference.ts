/**
 * Reference (a) of `bench:pipeline`: PostgreSQL's own bulk load of the rows the consumer
 * writes, with nothing of ours in between. One text `COPY ... FROM STDIN` into an empty copy
 * of the events table with the same indexes, constraints and defaults.
 */
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { kafkaPositionOf, pipelineEvent } from '../pipeline-events';
import { ReferenceRate, referenceRate } from './reference-rate';

const TABLE = 'events_copy_reference';
/** The columns the consumer's INSERT writes; received_at takes its default, now(), as there. */
const COLUMNS =
  'id, type, source, severity, occurred_at, value, payload, kafka_partition, kafka_offset';
const CHUNK_BYTES = 1024 * 1024;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field of COPY's text format: \N for NULL, backslash escapes for what would end it. */
export function copyTextField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]);
}

/** The COPY text of event `index` of the generator, columns in COLUMNS order. */
export function copyTextRow(index: number): string {
  const event = pipelineEvent(index);
  const { partition, offset } = kafkaPositionOf(index);
  return `${[
    event.id,
    event.type,
    event.source,
    event.severity,
    event.occurredAt,
    event.value,
    JSON.stringify(event.payload),
    partition,
    offset,
  ]
    .map(copyTextField)
    .join('\t')}\n`;
}

/** All `count` rows as COPY text in ~1 MiB chunks, made before the clock starts. */
function renderRows(count: number): Buffer[] {
  const chunks: Buffer[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  for (let index = 0; index < count; index++) {
    const row = copyTextRow(index);
    pending.push(row);
    pendingLength += row.length;
    if (pendingLength >= CHUNK_BYTES || index === count - 1) {
      chunks.push(Buffer.from(pending.join(''), 'utf8'));
      pending = [];
      pendingLength = 0;
    }
  }
  return chunks;
}

/**
 * COPYs `count` generated rows into a fresh `LIKE events INCLUDING ALL` table of the database
 * at `databaseUrl` and returns rows/s, commit included (a lone COPY commits before it
 * completes). The table is dropped afterwards.
 */
export async function copyReference(databaseUrl: string, count: number): Promise<ReferenceRate> {
  const chunks = renderRows(count);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.query(`CREATE TABLE ${TABLE} (LIKE events INCLUDING ALL)`);
    const started = performance.now();
    await pipeline(
      Readable.from(chunks),
      client.query(copyFrom(`COPY ${TABLE} (${COLUMNS}) FROM STDIN`)),
    );
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`);
    if (Number(rows[0].n) !== count)
      throw new Error(`COPY reference stored ${rows[0].n} rows of ${count}`);
    return referenceRate(count, seconds);
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.end();
  }
}

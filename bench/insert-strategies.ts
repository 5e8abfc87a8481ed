/**
 * Which single-statement batch insert is fastest for the consumer's write path?
 * `node dist/bench/insert-strategies.js` against DATABASE_URL (default: the local stack's).
 * Each strategy inserts the same rows, in the same batch size, into its own fresh database.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from '@app/config';
import { createScratchDatabase } from '../tools/infra/scratch-database';

interface Row {
  id: string;
  type: string;
  source: string;
  severity: string;
  occurred_at: string;
  value: number | null;
  payload: unknown;
  kafka_partition: number;
  kafka_offset: number;
}

const COLUMNS =
  'id, type, source, severity, occurred_at, value, payload, kafka_partition, kafka_offset';

const strategies: Record<string, (client: Client, rows: Row[]) => Promise<unknown>> = {
  json_to_recordset: (client, rows) =>
    client.query(
      `INSERT INTO events (${COLUMNS}) SELECT ${COLUMNS} FROM json_to_recordset($1::json) AS b(
        id uuid, type text, source text, severity text, occurred_at timestamptz, value double precision,
        payload jsonb, kafka_partition integer, kafka_offset bigint) ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows)],
    ),
  unnest_arrays: (client, rows) =>
    client.query(
      `INSERT INTO events (${COLUMNS}) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
        $5::timestamptz[], $6::float8[], $7::jsonb[], $8::int[], $9::bigint[]) ON CONFLICT (id) DO NOTHING`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.type),
        rows.map((r) => r.source),
        rows.map((r) => r.severity),
        rows.map((r) => r.occurred_at),
        rows.map((r) => r.value),
        rows.map((r) => JSON.stringify(r.payload)),
        rows.map((r) => r.kafka_partition),
        rows.map((r) => r.kafka_offset),
      ],
    ),
  multi_row_values: (client, rows) => {
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(
        r.id,
        r.type,
        r.source,
        r.severity,
        r.occurred_at,
        r.value,
        JSON.stringify(r.payload),
        r.kafka_partition,
        r.kafka_offset,
      );
      return `(${Array.from({ length: 9 }, (_, i) => `$${base + i + 1}`).join(',')})`;
    });
    return client.query(
      `INSERT INTO events (${COLUMNS}) VALUES ${tuples.join(',')} ON CONFLICT (id) DO NOTHING`,
      params,
    );
  },
};

function makeRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: ['payment.exception', 'login.failure', 'host.cpu.usage'][i % 3],
    source: `client-${i % 50}`,
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    occurred_at: new Date(Date.UTC(2026, 10, 23) + i * 10).toISOString(),
    value: i % 3 === 2 ? i % 100 : null,
    payload: { orderId: `A-${i}`, message: 'card declined by issuer', attempt: i % 5 },
    kafka_partition: i % 6,
    kafka_offset: i,
  }));
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const total = Number(process.env.BENCH_ROWS ?? 200000);
  const batch = Number(process.env.BENCH_BATCH ?? 2000);
  const rows = makeRows(total);
  process.stdout.write(`inserting ${total} rows in batches of ${batch}, one statement per batch\n`);
  for (const [name, insert] of Object.entries(strategies)) {
    const db = await createScratchDatabase(serverUrl, name);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += batch) await insert(client, rows.slice(i, i + batch));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.end();
    await db.drop();
    process.stdout.write(
      `${name.padEnd(18)} ${Math.round(total / seconds)
        .toLocaleString('en-US')
        .padStart(9)} rows/s\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

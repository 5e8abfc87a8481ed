/**
 * How a strategy of `bench:insert` sends a batch: the consumer's statement as it is (UNNEST of
 * column arrays), or COPY into a staging table and the consumer's statement reading from it,
 * optionally with the rollups and counts summed in Node. Every method writes events, rollups
 * and counts in one transaction, and counts only the rows it actually inserted.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { eventCountRowsSql } from '@app/database';
import { PersistableEvent } from '../../apps/consumer/src/repositories/event-batch.repository';
import { productRepository, swap } from './product-statement';
import { countColumns, rollupColumns } from './presum';
import { copyText } from './rows';
import { SchemaVariant } from './schemas';

export interface WriteMethod {
  name: string;
  /** Per-connection setup, before the clock starts. */
  connect?(client: Client): Promise<void>;
  /** Writes one batch; returns how many events were new. */
  write(client: Client, rows: readonly PersistableEvent[]): Promise<number>;
}

/** The conflict target of the product's events insert. */
const PRODUCT_CONFLICT = '(id, occurred_at)';

/** The product's statement for `schema`: its events conflict target instead of the product's. */
function forSchema(productSql: string, schema: SchemaVariant): string {
  if (schema.eventsConflict === PRODUCT_CONFLICT) return productSql;
  return swap(
    productSql,
    `ON CONFLICT ${PRODUCT_CONFLICT} DO NOTHING`,
    `ON CONFLICT ${schema.eventsConflict} DO NOTHING`,
  );
}

/** Strategy 1: the consumer's repository and statement, unchanged but for the schema. */
export function unnestProduct(productSql: string, schema: SchemaVariant): WriteMethod {
  const sql = forSchema(productSql, schema);
  return {
    name: 'UNNEST (product)',
    write: (client, rows) => productRepository(client, () => sql).insertBatch(rows),
  };
}

/** Unlogged and private to the session; emptied by every commit, so each batch starts empty. */
const STAGING_DDL = `
CREATE TEMP TABLE events_staging (
  id uuid, type text, source text, severity text, occurred_at timestamptz,
  value double precision, payload jsonb, kafka_partition integer, kafka_offset bigint
) ON COMMIT DELETE ROWS`;

/** The product's statement reading the batch from the staging table instead of UNNEST. */
function fromStaging(productSql: string, schema: SchemaVariant): string {
  return swap(
    forSchema(productSql, schema),
    /SELECT \* FROM unnest\([^)]*\)/,
    'SELECT * FROM events_staging',
  );
}

async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function copyIntoStaging(client: Client, rows: readonly PersistableEvent[]): Promise<void> {
  await pipeline(
    Readable.from([copyText(rows)]),
    client.query(copyFrom('COPY events_staging FROM STDIN')),
  );
}

/** Strategy 2: COPY (text) into staging, then the product's statement from it, one transaction. */
export function copyStaging(productSql: string, schema: SchemaVariant): WriteMethod {
  const sql = fromStaging(productSql, schema);
  return {
    name: 'COPY + staging',
    connect: async (client) => void (await client.query(STAGING_DDL)),
    write: (client, rows) =>
      inTransaction(client, async () => {
        await copyIntoStaging(client, rows);
        const result = await client.query<{ inserted: number }>(sql);
        return result.rows[0].inserted;
      }),
  };
}

const ALL_NEW = '(SELECT all_new FROM whole)';

/**
 * The staging statement with the rollups and counts summed in Node. Those sums are right only
 * if every row of the batch was inserted, so the statement compares the number of rows
 * RETURNING gave back with the batch size ($1): all new (the usual case) takes the Node sums;
 * otherwise (a redelivery) it falls back to the product's GROUP BY over the rows inserted.
 * The branch not taken is a one-time filter and costs nothing.
 */
function presummedStatement(productSql: string, schema: SchemaVariant): string {
  let sql = fromStaging(productSql, schema);
  sql = swap(
    sql,
    /\),\s*(?=(?:--[^\n]*\n)*minutes AS \()/,
    `),\nwhole AS (SELECT count(*) = $1::int AS all_new FROM inserted),\n`,
  );
  sql = swap(
    sql,
    /SELECT date_trunc\('minute', occurred_at\)[\s\S]*?FROM inserted(?=\s+GROUP BY 1, 2, 3, 4)/,
    (perRow) => `SELECT * FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[],
                        $6::bigint[], $7::bigint[], $8::float8[], $9::float8[], $10::float8[])
          AS sums(bucket, type, source, severity, event_count, value_count, value_sum,
                  value_min, value_max)
   WHERE ${ALL_NEW}
  UNION ALL
  ${perRow}
  WHERE NOT ${ALL_NEW}`,
  );
  // The product sums its counts from the batch's per-minute groups (the `minutes` CTE).
  const perRowCounts = eventCountRowsSql('minutes', 'e.bucket', 'sum(e.event_count)');
  return swap(
    sql,
    perRowCounts,
    `SELECT * FROM unnest($11::text[], $12::text[], $13::timestamptz[], $14::text[], $15::bigint[])
   WHERE ${ALL_NEW}
  UNION ALL
  SELECT * FROM (${perRowCounts}) AS per_row WHERE NOT ${ALL_NEW}`,
  );
}

/** Strategy 3: strategy 2 with one rollup and one count row per (bucket, key) from Node. */
export function copyStagingPresummed(productSql: string, schema: SchemaVariant): WriteMethod {
  const sql = presummedStatement(productSql, schema);
  return {
    name: 'COPY + staging, sums from Node',
    connect: async (client) => void (await client.query(STAGING_DDL)),
    write: (client, rows) =>
      inTransaction(client, async () => {
        await copyIntoStaging(client, rows);
        const params = [rows.length, ...rollupColumns(rows), ...countColumns(rows)];
        const result = await client.query<{ inserted: number }>(sql, params);
        return result.rows[0].inserted;
      }),
  };
}

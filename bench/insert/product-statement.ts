/**
 * The consumer's own write, driven through its repository on a plain `pg` client, so
 * `bench:insert` measures the product's statement and parameters and never a copy of them.
 * Strategies that change the statement start from its text and swap named parts.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  EventBatchRepository,
  PersistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';

/** The repository's only use of its DataSource is `query(sql, params)`: a client does that. */
function clientDataSource(client: Client, rewrite: (sql: string) => string): DataSource {
  const query = async (sql: string, params?: unknown[]) =>
    (await client.query(rewrite(sql), params)).rows as unknown[];
  return { query } as unknown as DataSource;
}

/** The consumer's repository writing through `client`, its statement passed through `rewrite`. */
export function productRepository(
  client: Client,
  rewrite: (sql: string) => string = (sql) => sql,
): EventBatchRepository {
  return new EventBatchRepository(clientDataSource(client, rewrite));
}

/** The text of the statement the consumer sends for a batch (INSERT_BATCH_SQL). */
export async function productStatement(sample: PersistableEvent): Promise<string> {
  let statement = '';
  const recorder = {
    query: (sql: string) => {
      statement = sql;
      return Promise.resolve([{ inserted: 1 }]);
    },
  } as unknown as DataSource;
  await new EventBatchRepository(recorder).insertBatch([sample]);
  return statement;
}

/**
 * `sql` with `part` replaced by `by`; throws when `part` is not there exactly once, so a
 * change to the product's statement breaks the benchmark loudly instead of measuring
 * something else.
 */
export function swap(
  sql: string,
  part: string | RegExp,
  by: string | ((match: string) => string),
): string {
  const matches =
    typeof part === 'string'
      ? sql.split(part).length - 1
      : (sql.match(new RegExp(part.source, `${part.flags.replace('g', '')}g`)) ?? []).length;
  if (matches !== 1)
    throw new Error(`expected one ${String(part)} in the product's statement, found ${matches}`);
  return sql.replace(part, (match) => (typeof by === 'string' ? by : by(match)));
}

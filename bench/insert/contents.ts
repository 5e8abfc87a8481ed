/**
 * What a run of `bench:insert` left in the tables, to check that every strategy stores the
 * same thing as the product's statement: row counts, sums, and a digest of every rollup and
 * count row (received_at, stamped by the server, is the only column left out).
 */
import { Client } from 'pg';

const CONTENTS_SQL = `
SELECT (SELECT count(*) FROM events) AS events,
       (SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM events) AS event_ids,
       (SELECT sum(value) FROM events) AS events_value_sum,
       (SELECT count(*) FROM event_rollups_minute) AS rollup_rows,
       (SELECT sum(event_count) FROM event_rollups_minute) AS rollup_events,
       (SELECT sum(value_count) FROM event_rollups_minute) AS rollup_values,
       (SELECT sum(value_sum) FROM event_rollups_minute) AS rollup_value_sum,
       (SELECT md5(string_agg(concat_ws('|', bucket, type, source, severity, event_count,
                                        value_count, value_sum, value_min, value_max),
                              ',' ORDER BY bucket, type, source, severity))
          FROM event_rollups_minute) AS rollups_digest,
       (SELECT count(*) FROM event_counts) AS count_rows,
       (SELECT sum(event_count) FROM event_counts) AS counted,
       (SELECT md5(string_agg(concat_ws('|', resolution, dimension, bucket, key, event_count),
                              ',' ORDER BY resolution, dimension, bucket, key))
          FROM event_counts) AS counts_digest`;

export type TableContents = Record<string, string>;

export async function tableContents(client: Client): Promise<TableContents> {
  const { rows } = await client.query<TableContents>(CONTENTS_SQL);
  return rows[0];
}

/** The measures where `actual` differs from `expected`, as "name: actual (expected)". */
export function contentDifferences(expected: TableContents, actual: TableContents): string[] {
  return Object.keys(expected)
    .filter((name) => expected[name] !== actual[name])
    .map((name) => `${name}: ${actual[name]} (expected ${expected[name]})`);
}

/**
 * The stored tables of both builds, row for row: every column as PostgreSQL writes it as text
 * (float8 in its shortest exact form, jsonb in its normalised form, times in UTC), in a
 * stable order, read through a cursor a chunk at a time.
 */
import { Client } from 'pg';

export interface TableQuery {
  name: string;
  sql: string;
}

/**
 * Left out: `events.received_at`, the time the consumer's statement stored the row (its
 * DEFAULT now()), which differs between any two runs of the same build. The key of `events`
 * is (id, occurred_at) in the new build and id in the old one: ordering by both serves each.
 */
export const COMPARED_TABLES: readonly TableQuery[] = [
  {
    name: 'events',
    sql: `SELECT id::text, occurred_at::text, type, source, severity, value::text, payload::text,
                 kafka_partition::text, kafka_offset::text
            FROM events ORDER BY id, occurred_at`,
  },
  {
    name: 'event_rollups_minute',
    sql: `SELECT bucket::text, type, source, severity, event_count::text, value_count::text,
                 value_sum::text, value_min::text, value_max::text
            FROM event_rollups_minute
           ORDER BY bucket, type COLLATE "C", source COLLATE "C", severity`,
  },
  {
    name: 'event_counts',
    sql: `SELECT resolution, dimension, bucket::text, key, event_count::text
            FROM event_counts ORDER BY resolution, dimension, bucket, key COLLATE "C"`,
  },
];

type Row = (string | null)[];

export interface TableDifference {
  position: number;
  old: Row | null;
  new: Row | null;
}

export interface TableComparison {
  name: string;
  oldRows: number;
  newRows: number;
  differingRows: number;
  /** The first few, in order. */
  differences: TableDifference[];
}

const CHUNK = 20_000;
const SHOWN = 5;

/** Compares one table of both databases, row by row in the query's order. */
export async function compareTable(
  oldUrl: string,
  newUrl: string,
  table: TableQuery,
): Promise<TableComparison> {
  const oldRows = new RowReader(oldUrl, table.sql);
  const newRows = new RowReader(newUrl, table.sql);
  const comparison: TableComparison = {
    name: table.name,
    oldRows: 0,
    newRows: 0,
    differingRows: 0,
    differences: [],
  };
  try {
    await Promise.all([oldRows.open(), newRows.open()]);
    for (let position = 0; ; position++) {
      const [a, b] = await Promise.all([oldRows.next(), newRows.next()]);
      if (a === undefined && b === undefined) break;
      if (a !== undefined) comparison.oldRows++;
      if (b !== undefined) comparison.newRows++;
      if (a === undefined || b === undefined || !sameRow(a, b)) {
        comparison.differingRows++;
        if (comparison.differences.length < SHOWN) {
          comparison.differences.push({ position, old: a ?? null, new: b ?? null });
        }
      }
    }
  } finally {
    await Promise.all([oldRows.close(), newRows.close()]);
  }
  return comparison;
}

const sameRow = (a: Row, b: Row) => a.length === b.length && a.every((value, i) => value === b[i]);

/** A query's rows as arrays of texts, fetched CHUNK at a time from a cursor. */
class RowReader {
  private readonly client: Client;
  private buffer: Row[] = [];
  private index = 0;
  private done = false;

  constructor(
    url: string,
    private readonly sql: string,
  ) {
    this.client = new Client({ connectionString: url });
  }

  async open(): Promise<void> {
    await this.client.connect();
    // Times as text in one zone whatever the server's default.
    await this.client.query(`SET TimeZone = 'UTC'`);
    await this.client.query('BEGIN');
    await this.client.query(`DECLARE rows NO SCROLL CURSOR FOR ${this.sql}`);
  }

  async next(): Promise<Row | undefined> {
    if (this.index === this.buffer.length) {
      if (this.done) return undefined;
      const result = await this.client.query<Row>({
        text: `FETCH ${CHUNK} FROM rows`,
        rowMode: 'array',
      });
      this.buffer = result.rows;
      this.index = 0;
      this.done = result.rows.length < CHUNK;
      if (this.buffer.length === 0) return undefined;
    }
    return this.buffer[this.index++];
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

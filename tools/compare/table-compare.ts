/**
 * The stored tables of both builds, row for row: every column as PostgreSQL writes it as text
 * (float8 in its shortest exact form, jsonb in its normalised form, times in UTC), in a
 * stable order, read through a cursor a chunk at a time.
 */
import { Client } from 'pg';
import { databaseClient } from './database-client';

export interface TableQuery {
  name: string;
  /** The key's columns come first, `keyColumns` of them, and the rows are ordered by them. */
  sql: string;
  keyColumns: number;
}

/** `ORDER BY` the texts of the key, byte by byte: the order keyOrder() merges in. */
const byText = (...columns: string[]) =>
  columns.map((column) => `(${column})::text COLLATE "C"`).join(', ');

/**
 * Left out: `events.received_at`, the time the consumer's statement stored the row (its
 * DEFAULT now()), which differs between any two runs of the same build. The key of `events`
 * is (id, occurred_at) in the new build and id in the old one: (id, occurred_at) serves both.
 */
export const COMPARED_TABLES: readonly TableQuery[] = [
  {
    name: 'events',
    sql: `SELECT id::text, occurred_at::text, type, source, severity, value::text, payload::text,
                 kafka_partition::text, kafka_offset::text
            FROM events ORDER BY ${byText('id', 'occurred_at')}`,
    keyColumns: 2,
  },
  {
    name: 'event_rollups_minute',
    sql: `SELECT bucket::text, type, source, severity, event_count::text, value_count::text,
                 value_sum::text, value_min::text, value_max::text
            FROM event_rollups_minute ORDER BY ${byText('bucket', 'type', 'source', 'severity')}`,
    keyColumns: 4,
  },
  {
    name: 'event_counts',
    sql: `SELECT resolution, dimension, bucket::text, key, event_count::text
            FROM event_counts ORDER BY ${byText('resolution', 'dimension', 'bucket', 'key')}`,
    keyColumns: 4,
  },
];

type Row = (string | null)[];

export interface TableDifference {
  old: Row | null;
  new: Row | null;
}

export interface TableComparison {
  name: string;
  oldRows: number;
  newRows: number;
  onlyOld: number;
  onlyNew: number;
  /** Rows whose key both have, with other values. */
  changed: number;
  /** The first few, in key order. */
  differences: TableDifference[];
}

export const differingRows = (table: TableComparison): number =>
  table.onlyOld + table.onlyNew + table.changed;

const CHUNK = 20_000;
const SHOWN = 5;

/** Compares the keys' texts as PostgreSQL's "C" collation does: byte by byte in UTF-8. */
function keyOrder(a: Row, b: Row, keyColumns: number): number {
  for (let i = 0; i < keyColumns; i++) {
    const order = Buffer.compare(Buffer.from(a[i] ?? ''), Buffer.from(b[i] ?? ''));
    if (order !== 0) return order;
  }
  return 0;
}

/** Compares one table of both databases: a merge of the two key-ordered row streams. */
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
    onlyOld: 0,
    onlyNew: 0,
    changed: 0,
    differences: [],
  };
  const note = (a: Row | null, b: Row | null) => {
    if (comparison.differences.length < SHOWN) comparison.differences.push({ old: a, new: b });
  };
  try {
    await Promise.all([oldRows.open(), newRows.open()]);
    let [a, b] = await Promise.all([oldRows.next(), newRows.next()]);
    while (a !== undefined || b !== undefined) {
      const order = a === undefined ? 1 : b === undefined ? -1 : keyOrder(a, b, table.keyColumns);
      if (order < 0) {
        comparison.oldRows++;
        comparison.onlyOld++;
        note(a!, null);
        a = await oldRows.next();
      } else if (order > 0) {
        comparison.newRows++;
        comparison.onlyNew++;
        note(null, b!);
        b = await newRows.next();
      } else {
        comparison.oldRows++;
        comparison.newRows++;
        if (!sameRow(a!, b!)) {
          comparison.changed++;
          note(a!, b!);
        }
        [a, b] = await Promise.all([oldRows.next(), newRows.next()]);
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
    this.client = databaseClient(url);
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

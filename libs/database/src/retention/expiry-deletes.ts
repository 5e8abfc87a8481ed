import { ClientBase } from 'pg';
import { RetentionCutoffs } from './retention-plan';
import { DEFAULT_PARTITION } from './day-partitions';
import { UtcDay } from './utc-days';

/** Rows one DELETE removes at most: each statement holds its row locks for a short moment. */
export const DELETE_CHUNK_ROWS = 10_000;

/**
 * Resolved incidents one DELETE removes at most, with their deliveries (a few to a few dozen
 * each: one per channel, kind and attempt).
 */
export const INCIDENT_CHUNK_ROWS = 1_000;

/** The tables retention deletes rows from (dropped partitions are counted apart). */
export type ExpiringTable =
  'events' | 'event_rollups_minute' | 'event_counts' | 'incidents' | 'deliveries';

/** One kind of expired rows: a statement deleting at most $2 of them older than $1. */
interface Expiry {
  cutoff: keyof RetentionCutoffs;
  chunkRows: number;
  /** Returns one row of counts per table it deleted from. */
  sql: string;
}

/** Every dimension, so that the counts' primary key is searched as a range per dimension. */
const DIMENSIONS = `dimension IN ('type', 'source', 'severity', 'total')`;

/**
 * Deletes the rows of `table` matching `where`, at most $2 of them, by their physical address;
 * counted as rows of `counted`.
 */
const chunk = (table: string, where: string, counted: ExpiringTable) => `
  WITH gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
                  SELECT ctid FROM ${table} WHERE ${where} LIMIT $2)) RETURNING 1)
  SELECT '${counted}' AS "table", count(*)::int AS deleted FROM gone`;

/**
 * In order. The minute rollups and minute counts live as long as the events (the events
 * cutoff); hour and day counts by the counts cutoff. Whole day partitions are dropped apart;
 * here only what the DEFAULT partition holds is deleted. A resolved incident goes once it was
 * resolved before the incidents cutoff, with its deliveries; an open or acknowledged one never.
 * `opened_at < $1` is implied by `resolved_at < $1` and lets the (status, opened_at) index
 * bound the search.
 */
const EXPIRIES: readonly Expiry[] = [
  {
    cutoff: 'events',
    chunkRows: DELETE_CHUNK_ROWS,
    sql: chunk(DEFAULT_PARTITION, 'occurred_at < $1', 'events'),
  },
  {
    cutoff: 'events',
    chunkRows: DELETE_CHUNK_ROWS,
    sql: chunk('event_rollups_minute', 'bucket < $1', 'event_rollups_minute'),
  },
  {
    cutoff: 'events',
    chunkRows: DELETE_CHUNK_ROWS,
    sql: chunk(
      'event_counts',
      `resolution = 'minute' AND ${DIMENSIONS} AND bucket < $1`,
      'event_counts',
    ),
  },
  {
    cutoff: 'counts',
    chunkRows: DELETE_CHUNK_ROWS,
    sql: chunk(
      'event_counts',
      `resolution IN ('hour', 'day') AND ${DIMENSIONS} AND bucket < $1`,
      'event_counts',
    ),
  },
  {
    cutoff: 'incidents',
    chunkRows: INCIDENT_CHUNK_ROWS,
    sql: `
      WITH incident AS (
             DELETE FROM incidents WHERE id = ANY(ARRAY(
               SELECT id FROM incidents
                WHERE status = 'resolved' AND opened_at < $1 AND resolved_at < $1 LIMIT $2))
             RETURNING id),
           delivery AS (
             DELETE FROM deliveries d USING incident WHERE d.incident_id = incident.id RETURNING 1)
      SELECT 'incidents' AS "table", count(*)::int AS deleted FROM incident
      UNION ALL
      SELECT 'deliveries', count(*)::int FROM delivery`,
  },
  {
    cutoff: 'deliveries',
    chunkRows: DELETE_CHUNK_ROWS,
    sql: chunk('deliveries', 'at < $1', 'deliveries'),
  },
];

/** Rows deleted per table. */
export type DeletedRows = Partial<Record<ExpiringTable, number>>;

/**
 * Deletes every expired row, chunk after chunk, each chunk a statement of its own (committed
 * on its own): a first pass over a large old installation never holds long locks, and stopping
 * between two chunks (`stopped`, at shutdown) keeps what was done. Counts add up in `deleted`,
 * so that they are there even when a chunk fails.
 */
export async function deleteExpiredRows(
  client: ClientBase,
  cutoffs: RetentionCutoffs,
  stopped: () => boolean = () => false,
  deleted: DeletedRows = {},
): Promise<DeletedRows> {
  for (const expiry of EXPIRIES) {
    const cutoff: UtcDay | undefined = cutoffs[expiry.cutoff];
    if (cutoff === undefined) continue;
    for (let full = true; full && !stopped();) {
      const { rows } = await client.query<{ table: ExpiringTable; deleted: number }>(expiry.sql, [
        new Date(cutoff),
        expiry.chunkRows,
      ]);
      for (const row of rows) {
        deleted[row.table] = (deleted[row.table] ?? 0) + row.deleted;
      }
      // The first row counts the table the chunk was drawn from: a full chunk means maybe more.
      full = rows[0].deleted === expiry.chunkRows;
    }
  }
  return deleted;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NormalizedEvent, Severity } from '@app/contracts';
import { eventCountRowsSql } from '@app/database';
import {
  binaryTextArray,
  JSONB_OID,
  NULL_ELEMENT,
  plainArrayLiteral,
  quotedArrayLiteral,
} from './postgres-arrays';

/**
 * A validated event as the batch statement stores it, one field a column, and where it was
 * read from. Flat, and holding the texts the statement sends: the consumer keeps thousands
 * of these while a statement runs, long enough for whatever they reference to be promoted to
 * V8's old generation, so they reference no parsed payload, Date or Kafka message.
 */
export interface PersistableEvent {
  id: string;
  type: string;
  source: string;
  severity: Severity;
  /** ISO-8601 in UTC, as Date.prototype.toISOString writes it. */
  occurredAt: string;
  value: number | null;
  /** The payload as JSON text; null when the event has none (SQL NULL, not JSON null). */
  payloadJson: string | null;
  partition: number;
  offset: string;
}

/**
 * The row of a normalised event read at (partition, offset). `payloadJson` and `occurredAt`
 * are the decoder's texts when it made them (decodeStorableEvent), so they are not made twice.
 */
export function persistableEvent(
  event: NormalizedEvent,
  partition: number,
  offset: string,
  payloadJson: string | null = event.payload === null ? null : JSON.stringify(event.payload),
  occurredAt: string = event.occurredAt.toISOString(),
): PersistableEvent {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    severity: event.severity,
    occurredAt,
    value: event.value,
    payloadJson,
    partition,
    offset,
  };
}

/**
 * Inserts a batch of events and updates the per-minute rollups and the per-minute, hour and
 * day counts (`event_counts`) in ONE statement, so all of them commit or none does. Rows
 * already present (a redelivery after a crash or rebalance) are skipped by `ON CONFLICT DO
 * NOTHING`, and only the rows actually inserted feed the rollups and counts: a replay never
 * counts an event twice.
 *
 * The batch travels as one array parameter per column, expanded by UNNEST: one round trip
 * whatever the batch size. `npm run bench:insert` measured it ahead of json_to_recordset
 * and of a multi-row VALUES list on this machine (numbers in docs/benchmarks.md).
 */
const INSERT_BATCH_SQL = `
WITH inserted AS (
  INSERT INTO events (id, type, source, severity, occurred_at, value, payload, kafka_partition, kafka_offset)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                       $6::float8[], $7::jsonb[], $8::int[], $9::bigint[])
  ON CONFLICT (id, occurred_at) DO NOTHING
  RETURNING type, source, severity, occurred_at, value
),
-- One row per (minute, type, source, severity) of the batch: typically a few hundred for
-- thousands of events. The rollups are these rows, and the hour/day counts are summed from them
-- rather than from every event (expanding each event into its 8 count rows was a third of the
-- statement's time, see docs/benchmarks.md).
minutes AS (
  SELECT date_trunc('minute', occurred_at) AS bucket, type, source, severity,
         count(*) AS event_count, count(value) AS value_count, sum(value) AS value_sum,
         min(value) AS value_min, max(value) AS value_max
  FROM inserted
  GROUP BY 1, 2, 3, 4
),
rollup AS (
  INSERT INTO event_rollups_minute AS r
    (bucket, type, source, severity, event_count, value_count, value_sum, value_min, value_max)
  SELECT * FROM minutes
  -- A stable order takes row locks in the same order in every consumer: fewer deadlocks.
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (bucket, type, source, severity) DO UPDATE SET
    event_count = r.event_count + EXCLUDED.event_count,
    value_count = r.value_count + EXCLUDED.value_count,
    value_sum = CASE WHEN EXCLUDED.value_sum IS NULL THEN r.value_sum
                     ELSE COALESCE(r.value_sum, 0) + EXCLUDED.value_sum END,
    value_min = LEAST(r.value_min, EXCLUDED.value_min),
    value_max = GREATEST(r.value_max, EXCLUDED.value_max)
),
counts AS (
  INSERT INTO event_counts AS c (resolution, dimension, bucket, key, event_count)
  ${eventCountRowsSql('minutes', 'e.bucket', 'sum(e.event_count)')}
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (resolution, dimension, bucket, key) DO UPDATE SET
    event_count = c.event_count + EXCLUDED.event_count
)
SELECT count(*)::int AS inserted FROM inserted`;

/**
 * The events of a batch (the first seven columns of INSERT_BATCH_SQL) whose key (id,
 * occurred_at) is stored with other content, by position (1-based). Run after the insert, so a
 * row the batch itself inserted compares equal to itself, and a second row with its key in the
 * same batch does not. jsonb compares by value, so key order and spacing in the original JSON
 * do not matter. An id stored with another occurred_at is another event (the table is
 * partitioned by occurred_at, so its key holds it): joining on both columns also finds the
 * stored row in one partition instead of probing every one.
 */
const FIND_CONFLICTS_SQL = `
SELECT i.n::int AS n
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
              $6::float8[], $7::jsonb[])
       WITH ORDINALITY AS i(id, type, source, severity, occurred_at, value, payload, n)
  JOIN events e ON e.id = i.id AND e.occurred_at = i.occurred_at
 WHERE (e.type, e.source, e.severity, e.value, e.payload)
       IS DISTINCT FROM (i.type, i.source, i.severity, i.value, i.payload)`;

@Injectable()
export class EventBatchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns how many of the events were new; the rest were already stored. */
  async insertBatch(events: readonly PersistableEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const result: Array<{ inserted: number }> = await this.dataSource.query(
      INSERT_BATCH_SQL,
      columnsOf(events),
    );
    return result[0]?.inserted ?? 0;
  }

  /**
   * Positions (0-based) of the events whose id and occurredAt are stored with a different
   * type, source, severity, value or payload. Only worth asking when insertBatch skipped some.
   */
  async findConflicts(events: readonly PersistableEvent[]): Promise<number[]> {
    if (events.length === 0) return [];
    const rows: Array<{ n: number }> = await this.dataSource.query(
      FIND_CONFLICTS_SQL,
      columnsOf(events).slice(0, 7),
    );
    return rows.map((row) => row.n - 1);
  }
}

/**
 * One array parameter per column of INSERT_BATCH_SQL, expanded there by UNNEST, built without
 * pg's per-element quoting (see postgres-arrays.ts): text and jsonb in binary, the rest as
 * literals of texts that need no escaping.
 */
function columnsOf(events: readonly PersistableEvent[]): unknown[] {
  const n = events.length;
  const ids = new Array<string>(n);
  const types = new Array<string>(n);
  const sources = new Array<string>(n);
  const severities = new Array<string>(n);
  const occurredAt = new Array<string>(n);
  const values = new Array<number | typeof NULL_ELEMENT>(n);
  const payloads = new Array<string | null>(n);
  const partitions = new Array<number>(n);
  const offsets = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const event = events[i];
    ids[i] = event.id;
    types[i] = event.type;
    sources[i] = event.source;
    severities[i] = event.severity;
    occurredAt[i] = event.occurredAt;
    values[i] = event.value ?? NULL_ELEMENT;
    payloads[i] = event.payloadJson;
    partitions[i] = event.partition;
    offsets[i] = event.offset;
  }
  return [
    quotedArrayLiteral(ids),
    binaryTextArray(types),
    binaryTextArray(sources),
    binaryTextArray(severities),
    quotedArrayLiteral(occurredAt),
    plainArrayLiteral(values),
    binaryTextArray(payloads, JSONB_OID),
    plainArrayLiteral(partitions),
    quotedArrayLiteral(offsets),
  ];
}

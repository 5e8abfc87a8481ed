/**
 * A batch's per-minute rollups and `event_counts` rows summed in Node, one row per
 * (bucket, key), as column arrays for UNNEST. The same sums the consumer's statement makes
 * with GROUP BY over the rows it inserted; `bench:insert` checks the tables come out equal.
 */
import { PersistableEvent } from '../../apps/consumer/src/repositories/event-batch.repository';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const RESOLUTIONS = [
  ['minute', MINUTE_MS],
  ['hour', HOUR_MS],
  ['day', DAY_MS],
] as const;

const truncate = (isoTime: string, unitMs: number): string =>
  new Date(Math.floor(Date.parse(isoTime) / unitMs) * unitMs).toISOString();

interface Rollup {
  bucket: string;
  type: string;
  source: string;
  severity: string;
  count: number;
  valueCount: number;
  valueSum: number | null;
  valueMin: number | null;
  valueMax: number | null;
}

/** One array per column of event_rollups_minute's insert, bucket to value_max. */
export function rollupColumns(rows: readonly PersistableEvent[]): unknown[][] {
  const rollups = new Map<string, Rollup>();
  for (const event of rows) {
    const bucket = truncate(event.occurredAt, MINUTE_MS);
    const key = `${bucket}\u0000${event.type}\u0000${event.source}\u0000${event.severity}`;
    let rollup = rollups.get(key);
    if (!rollup) {
      rollup = {
        bucket,
        type: event.type,
        source: event.source,
        severity: event.severity,
        count: 0,
        valueCount: 0,
        valueSum: null,
        valueMin: null,
        valueMax: null,
      };
      rollups.set(key, rollup);
    }
    rollup.count++;
    const value = event.value;
    if (value !== null) {
      rollup.valueCount++;
      rollup.valueSum = (rollup.valueSum ?? 0) + value;
      rollup.valueMin = rollup.valueMin === null ? value : Math.min(rollup.valueMin, value);
      rollup.valueMax = rollup.valueMax === null ? value : Math.max(rollup.valueMax, value);
    }
  }
  const all = [...rollups.values()];
  return [
    all.map((r) => r.bucket),
    all.map((r) => r.type),
    all.map((r) => r.source),
    all.map((r) => r.severity),
    all.map((r) => r.count),
    all.map((r) => r.valueCount),
    all.map((r) => r.valueSum),
    all.map((r) => r.valueMin),
    all.map((r) => r.valueMax),
  ];
}

/**
 * One array per column of event_counts' insert (resolution, dimension, bucket, key,
 * event_count): every event once per resolution and dimension, no per-minute sources, and
 * `total` under the key `all`, as the CreateEventCounts migration defines them.
 */
export function countColumns(rows: readonly PersistableEvent[]): unknown[][] {
  const counts = new Map<string, [string, string, string, string, number]>();
  const add = (resolution: string, dimension: string, bucket: string, key: string) => {
    const id = `${resolution}\u0000${dimension}\u0000${bucket}\u0000${key}`;
    const row = counts.get(id);
    if (row) row[4]++;
    else counts.set(id, [resolution, dimension, bucket, key, 1]);
  };
  for (const event of rows) {
    for (const [resolution, unitMs] of RESOLUTIONS) {
      const bucket = truncate(event.occurredAt, unitMs);
      add(resolution, 'type', bucket, event.type);
      if (resolution !== 'minute') add(resolution, 'source', bucket, event.source);
      add(resolution, 'severity', bucket, event.severity);
      add(resolution, 'total', bucket, 'all');
    }
  }
  const all = [...counts.values()];
  return [0, 1, 2, 3, 4].map((column) => all.map((row) => row[column]));
}

import { Client } from 'pg';
import {
  createDayPartition,
  dayPartitions,
  daysInDefault,
  dropDayPartition,
} from './day-partitions';
import { DeletedRows, deleteExpiredRows } from './expiry-deletes';
import { planPartitions, RetentionSettings, retentionCutoffs } from './retention-plan';
import { addDays, dayOf, partitionName } from './utc-days';

/**
 * The PostgreSQL advisory lock one retention pass holds, so that one replica of several does
 * a pass at a time: the ASCII bytes of "eventret" as a big-endian 64-bit integer
 * (7311142570157041012; in `pg_locks` classid 1702258030, objid 1953654132).
 */
export const RETENTION_LOCK_KEY = Buffer.from('eventret', 'ascii').readBigInt64BE(0);

/**
 * How long a pass's DDL waits for the locks it needs (ATTACH, DROP) before giving up until
 * the next pass. A DDL statement waiting for a lock holds up every statement queued behind it,
 * so the consumer's writes and the gateway's reads would wait as long.
 */
export const RETENTION_LOCK_TIMEOUT_MS = 5000;

export interface RetentionPassOptions {
  /** The clock, epoch ms (tests pass days in the past or future). */
  now?: number;
  /** Checked between steps: true stops the pass there (at shutdown). */
  stopped?: () => boolean;
  applicationName?: string;
}

export interface RetentionPassReport {
  /** skipped: another pass held the lock, or `events` is not partitioned yet. */
  outcome: 'done' | 'failed' | 'skipped';
  /** Why it was skipped, or what failed (one line per failed step). */
  problems: string[];
  created: string[];
  /** Rows found in the DEFAULT partition and moved into the partitions created. */
  moved: number;
  dropped: string[];
  /** The planner's estimate of the rows the dropped partitions held. */
  droppedRowsEstimate: number;
  deleted: DeletedRows;
  durationMs: number;
}

/**
 * One pass of partition maintenance and retention on the database at `url`, on a connection of
 * its own, under RETENTION_LOCK_KEY (taken with `pg_try_advisory_lock`: when another pass holds
 * it, this one is skipped). Idempotent: it makes what is missing and removes what has expired,
 * so a second pass right after finds nothing to do. In order: the day partitions that
 * `planPartitions` wants (first, so today's rows have their place), the partitions past the
 * events cutoff, then the expired rows (`deleteExpiredRows`). A failed step is reported and
 * the pass goes on with the next: the next pass tries it again.
 */
export async function runRetentionPass(
  url: string,
  settings: RetentionSettings,
  options: RetentionPassOptions = {},
): Promise<RetentionPassReport> {
  const started = Date.now();
  const now = options.now ?? started;
  const stopped = options.stopped ?? (() => false);
  const report = emptyPassReport();
  const client = new Client({
    connectionString: url,
    application_name: options.applicationName ?? 'eventmon-retention',
    connectionTimeoutMillis: 5000,
  });
  // A connection lost mid-pass fails the statement in hand; the 'error' event must not crash.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${RETENTION_LOCK_TIMEOUT_MS}`);
    const [{ locked }] = (
      await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
        RETENTION_LOCK_KEY.toString(),
      ])
    ).rows;
    if (!locked) return skipped(report, 'another retention pass holds the lock', started);
    const existing = await dayPartitions(client);
    if (!existing) {
      return skipped(report, 'events is not partitioned (the migrations are behind)', started);
    }

    const cutoffs = retentionCutoffs(now, settings);
    const lastDay = addDays(dayOf(now), settings.partitionsAheadDays);
    const inDefault = await daysInDefault(client, cutoffs.events, addDays(lastDay, 1));
    const plan = planPartitions(now, settings, existing, inDefault);
    const step = async (what: string, work: () => Promise<void>) => {
      if (stopped()) return;
      try {
        await work();
      } catch (error) {
        report.outcome = 'failed';
        report.problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    for (const day of plan.create) {
      await step(`creating ${partitionName(day)}`, async () => {
        report.moved += await createDayPartition(client, day);
        report.created.push(partitionName(day));
      });
    }
    for (const day of plan.drop) {
      await step(`dropping ${partitionName(day)}`, async () => {
        report.droppedRowsEstimate += await dropDayPartition(client, day);
        report.dropped.push(partitionName(day));
      });
    }
    await step('deleting expired rows', async () => {
      await deleteExpiredRows(client, cutoffs, stopped, report.deleted);
    });
    // The server releases the lock with the connection too; this only says so sooner.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [RETENTION_LOCK_KEY.toString()]);
    report.durationMs = Date.now() - started;
    return report;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A pass that did nothing (yet). */
export function emptyPassReport(): RetentionPassReport {
  return {
    outcome: 'done',
    problems: [],
    created: [],
    moved: 0,
    dropped: [],
    droppedRowsEstimate: 0,
    deleted: {},
    durationMs: 0,
  };
}

function skipped(report: RetentionPassReport, why: string, started: number): RetentionPassReport {
  return { ...report, outcome: 'skipped', problems: [why], durationMs: Date.now() - started };
}

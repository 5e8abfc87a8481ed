import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HOST_DISK_MOUNT_FIELD, HostMetricType } from '@app/contracts';
import { LatestReadingRow } from './live-host-readings';

/**
 * How far ahead of the gateway's clock a host's clock may run and its readings still count.
 * The bound above lets PostgreSQL leave out the future day partitions and the DEFAULT one.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The newest reading per host, metric and mount among the host metric events of the last
 * `within` seconds: one statement, whose time bounds leave only the day partitions they cross
 * (today's, and yesterday's when the window starts before midnight UTC).
 */
@Injectable()
export class LiveHostMetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  latest(now: Date, withinSeconds: number): Promise<LatestReadingRow[]> {
    const since = new Date(now.getTime() - withinSeconds * 1000);
    const until = new Date(now.getTime() + CLOCK_SKEW_MS);
    return this.dataSource.query(LATEST_READINGS_SQL, [
      Object.values(HostMetricType),
      since,
      until,
      HostMetricType.Disk,
      HOST_DISK_MOUNT_FIELD,
    ]);
  }
}

/** Ties on occurred_at go to the greater id, so the answer does not depend on the plan. */
const LATEST_READINGS_SQL = `
  SELECT DISTINCT ON (source, type, mount) source, type, mount, value, occurred_at AS "occurredAt"
    FROM (SELECT source, type, value, occurred_at, id,
                 CASE WHEN type = $4 THEN payload ->> $5 END AS mount
            FROM events
           WHERE type = ANY($1) AND occurred_at >= $2 AND occurred_at <= $3
             AND value IS NOT NULL) readings
   ORDER BY source, type, mount, occurred_at DESC, id DESC`;

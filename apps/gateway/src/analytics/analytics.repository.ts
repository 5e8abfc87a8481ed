import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface Range {
  from: Date;
  to: Date;
}

export interface SeriesFilter extends Range {
  stepSeconds: number;
  type?: string;
  source?: string;
}

const toCounts = (rows: { key: string; count: string }[]) =>
  rows.map((row) => ({ key: row.key, count: Number(row.count) }));

/** Reads the per-minute rollups the consumer keeps beside the events, never raw events. */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async total(range: Range): Promise<number> {
    const [row] = await this.dataSource.query<{ total: string | null }[]>(
      `SELECT sum(event_count) AS total FROM event_rollups_minute WHERE bucket >= $1 AND bucket < $2`,
      [range.from, range.to],
    );
    return Number(row.total ?? 0);
  }

  /** Event counts grouped by one rollup column, largest first. */
  async countsBy(column: 'type' | 'source' | 'severity', range: Range, limit: number) {
    return toCounts(
      await this.dataSource.query(
        `SELECT ${column} AS key, sum(event_count) AS count FROM event_rollups_minute
          WHERE bucket >= $1 AND bucket < $2
          GROUP BY ${column} ORDER BY count DESC, key LIMIT $3`,
        [range.from, range.to, limit],
      ),
    );
  }

  /** Incidents opened in the range, by their current status. */
  async incidentsByStatus(range: Range) {
    return toCounts(
      await this.dataSource.query(
        `SELECT status AS key, count(*) AS count FROM incidents
          WHERE opened_at >= $1 AND opened_at < $2 GROUP BY status`,
        [range.from, range.to],
      ),
    );
  }

  /** Counts per bucket start (epoch ms), buckets aligned to UTC multiples of the step. */
  async series(filter: SeriesFilter): Promise<Map<number, number>> {
    const rows = await this.dataSource.query<{ at: string; count: string }[]>(
      `SELECT (floor(extract(epoch FROM bucket) / $3) * $3 * 1000)::bigint AS at,
              sum(event_count) AS count
         FROM event_rollups_minute
        WHERE bucket >= $1 AND bucket < $2
          AND ($4::text IS NULL OR type = $4)
          AND ($5::text IS NULL OR source = $5)
        GROUP BY 1`,
      [filter.from, filter.to, filter.stepSeconds, filter.type ?? null, filter.source ?? null],
    );
    return new Map(rows.map((row) => [Number(row.at), Number(row.count)]));
  }
}

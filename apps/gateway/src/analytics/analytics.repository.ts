import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CountDimension } from '@app/database';
import { BucketSpan } from './covering-buckets';

export interface Range {
  from: Date;
  to: Date;
}

/** Which events a time series counts: all, one type, one source, or one of each. */
export interface SeriesFilter {
  type?: string;
  source?: string;
}

const toCounts = (rows: { key: string; count: string }[]) =>
  rows.map((row) => ({ key: row.key, count: Number(row.count) }));

/**
 * Reads the counts the consumer keeps beside the events (`event_counts` per minute, hour and
 * day; `event_rollups_minute` for what those do not hold), never raw events. Every query is a
 * UNION ALL of one bounded range scan per bucket span, so its cost follows the number of
 * stored buckets in the range, not the number of events.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Event counts per key of one dimension over the spans, largest first. */
  async countsBy(dimension: CountDimension, spans: readonly BucketSpan[], limit: number) {
    if (spans.length === 0) return [];
    const params: unknown[] = [];
    const rows = spans.map((span) => countRowsSql(dimension, span, params)).join(' UNION ALL ');
    params.push(limit);
    return toCounts(
      await this.dataSource.query(
        `SELECT key, sum(event_count) AS count FROM (${rows}) AS counts
          GROUP BY key ORDER BY count DESC, key LIMIT $${params.length}`,
        params,
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

  /**
   * Counts per step start (epoch ms), steps aligned to UTC multiples of `stepSeconds`. The
   * spans must be no coarser than the step, so each stored bucket falls in one step.
   */
  async series(
    spans: readonly BucketSpan[],
    stepSeconds: number,
    filter: SeriesFilter,
  ): Promise<Map<number, number>> {
    if (spans.length === 0) return new Map();
    const params: unknown[] = [];
    const rows = spans.map((span) => seriesRowsSql(span, filter, params)).join(' UNION ALL ');
    params.push(stepSeconds);
    const step = `$${params.length}::bigint`;
    const found = await this.dataSource.query<{ at: string; count: string }[]>(
      `SELECT (floor(extract(epoch FROM bucket) / ${step}) * ${step} * 1000)::bigint AS at,
              sum(event_count) AS count
         FROM (${rows}) AS counts GROUP BY 1`,
      params,
    );
    return new Map(found.map((row) => [Number(row.at), Number(row.count)]));
  }
}

/** Adds a parameter and returns its placeholder. */
function bind(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

function spanBounds(span: BucketSpan, params: unknown[]): string {
  return `bucket >= ${bind(params, new Date(span.from))} AND bucket < ${bind(params, new Date(span.to))}`;
}

/**
 * (bucket, key, event_count) rows of one dimension in one span. Per-minute sources are not in
 * `event_counts` (too many rows for what they give), so they come from the full rollups.
 * `resolution` and `dimension` come from closed sets in this code, never from a request.
 */
function countRowsSql(
  dimension: CountDimension,
  span: BucketSpan,
  params: unknown[],
  key?: string,
): string {
  if (span.resolution === 'minute' && dimension === 'source') {
    const keyFilter = key === undefined ? '' : ` AND source = ${bind(params, key)}`;
    return `SELECT bucket, source AS key, event_count FROM event_rollups_minute
             WHERE ${spanBounds(span, params)}${keyFilter}`;
  }
  const keyFilter = key === undefined ? '' : ` AND key = ${bind(params, key)}`;
  return `SELECT bucket, key, event_count FROM event_counts
           WHERE resolution = '${span.resolution}' AND dimension = '${dimension}'
             AND ${spanBounds(span, params)}${keyFilter}`;
}

/**
 * The rows a series counts in one span. All events: the severity counts (four rows per
 * bucket at most). One type or one source: that key's counts. Both at once: the full
 * per-minute rollups, the only table that holds the combination.
 */
function seriesRowsSql(span: BucketSpan, filter: SeriesFilter, params: unknown[]): string {
  if (filter.type !== undefined && filter.source !== undefined) {
    return `SELECT bucket, event_count FROM event_rollups_minute
             WHERE ${spanBounds(span, params)} AND source = ${bind(params, filter.source)}
               AND type = ${bind(params, filter.type)}`;
  }
  if (filter.type !== undefined) return countRowsSql('type', span, params, filter.type);
  if (filter.source !== undefined) return countRowsSql('source', span, params, filter.source);
  return countRowsSql('severity', span, params);
}

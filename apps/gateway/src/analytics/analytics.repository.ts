import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CountDimension } from '@app/database';
import { GatewayConfig } from '../gateway.config';
import { countRowsSql, CountRows } from './count-rows-sql';
import { BucketSpan } from './covering-buckets';
import {
  BucketCounts,
  bucketCountsOf,
  hasNegativeTotal,
  KeyIndex,
  largestTotals,
  totalsOf,
} from './key-totals';
import { RecentAnswers } from './recent-answers';
import { SignedBucket, spansOfBuckets, splitSettled } from './settled-buckets';
import { KeyedBucketCounts } from './stacked-series';
import { StatementBatcher } from './statement-batcher';
import { bucketStart, Interval } from './time-buckets';

export interface Range {
  from: Date;
  to: Date;
}

/** Which events a time series counts: all, one type, one source, or one of each. */
export interface SeriesFilter {
  type?: string;
  source?: string;
}

/** A row of keys and their counts, as two JSON arrays. */
interface KeyCountRow {
  keys: string[];
  counts: number[];
}

/** A bucket's start in whole epoch seconds: an integer is quicker to write out than a float. */
const EPOCH_SECONDS = `date_part('epoch', bucket)::bigint`;

const NO_COUNTS: BucketCounts = { ids: new Int32Array(0), counts: new Float64Array(0) };

/** Most keys one dimension's index holds before a fresh one replaces it (~100 MB). */
const MAX_INDEXED_KEYS = 1_000_000;

/**
 * Reads the counts the consumer keeps beside the events (`event_counts` per minute, hour and
 * day; `event_rollups_minute` for what those do not hold), never raw events. Every query is a
 * UNION ALL of one bounded range scan per bucket span, so its cost follows the number of
 * stored buckets in the range, not the number of events.
 */
@Injectable()
export class AnalyticsRepository {
  private readonly answers: RecentAnswers;
  private readonly settledBuckets: RecentAnswers;
  private readonly statements: StatementBatcher;
  private readonly reuseSettled: boolean;
  private readonly keyIndexes = new Map<CountDimension, KeyIndex>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: GatewayConfig,
  ) {
    // Series answers hold up to 10,080 points: 100 of them stay within a few tens of MB.
    this.answers = new RecentAnswers(config.analyticsCacheSeconds * 1000, 100);
    // Weighed by keys held, 12 bytes each in typed arrays: 4 million is enough for every bucket
    // that 7-day ranges ending anywhere in the last two days touch (~1.7 million at 10,000,000
    // events a month; the gateway's peak RSS in bench:gateway is 140 MiB higher with it than
    // without). Below its working set, a cache that drops the oldest first keeps almost
    // nothing another range asks for.
    // Lifetimes spread over the second half of the ttl: the buckets a busy minute asked for
    // together are then asked again a few at a time, not in one burst.
    this.settledBuckets = new RecentAnswers(
      config.analyticsSettledSeconds * 1000,
      4_000_000,
      Date.now,
      (counts) => 1 + (counts as BucketCounts).ids.length,
      0.5,
    );
    this.reuseSettled = config.analyticsSettledSeconds > 0;
    this.statements = new StatementBatcher((sql, params) => this.dataSource.query(sql, params));
  }

  /**
   * Every analytics query goes through here: the same SQL and values, the same answer. Rows
   * are shaped before they are kept: an answer lives a few seconds, long enough for the
   * garbage collector to move it to the old generation, where thousands of row objects per
   * answer cost far more to collect than a few typed arrays. `shapedWith` names whatever else
   * the shape depends on.
   */
  private query<T, R>(
    sql: string,
    params: unknown[],
    shape: (rows: T[]) => R,
    shapedWith = '',
  ): Promise<R> {
    return this.answers.get(`${shapedWith}\n${sql}\n${JSON.stringify(params)}`, async () =>
      shape(await this.statements.query<T>(sql, params)),
    );
  }

  /**
   * Event counts per key of one dimension over the spans, largest first (ties by key). Settled
   * buckets are counted once per bucket and kept like answers, so ranges that differ only at
   * their ends share most of their work; the open end is read afresh in one statement.
   */
  async countsBy(dimension: CountDimension, spans: readonly BucketSpan[], limit: number) {
    const keys = this.keyIndex(dimension);
    // With no reuse of settled buckets, every span is read as the open end is: summed in one
    // statement, rather than fetched bucket by bucket to be summed here (3x slower).
    const now = this.reuseSettled ? Date.now() : Number.NEGATIVE_INFINITY;
    const { settled, open } = splitSettled(spans, now);
    const questionOf = (bucket: SignedBucket) =>
      `${keys.serial} ${dimension} ${bucket.resolution} ${bucket.start}`;
    const readSettled = () =>
      this.settledBuckets.getMany(settled, questionOf, (missing) =>
        this.bucketCounts(dimension, missing, keys),
      );
    const [settledCounts, openCounts] = await Promise.all([
      readSettled(),
      this.openCounts(dimension, open, keys),
    ]);
    const signed = (counts: BucketCounts[]) => [
      ...settled.map((bucket, i) => ({ sign: bucket.sign, counts: counts[i] })),
      { sign: 1 as const, counts: openCounts },
    ];
    let totals = totalsOf(keys, signed(settledCounts));
    if (hasNegativeTotal(totals)) {
      // Events were stored late into settled buckets, between the reads of a kept bucket and
      // of a finer one taken out of it: the cover's pieces disagree (a total below zero).
      // Read them all again, together, rather than answer a negative count.
      this.settledBuckets.forgetAll(settled.map(questionOf));
      totals = totalsOf(keys, signed(await readSettled()));
    }
    return largestTotals(keys, totals, limit);
  }

  /**
   * The index numbering a dimension's keys. Keys are never forgotten while their index lives,
   * so past MAX_INDEXED_KEYS (sources that change names all the time) a fresh one takes over;
   * buckets counted with the old one are then asked again.
   */
  private keyIndex(dimension: CountDimension): KeyIndex {
    let index = this.keyIndexes.get(dimension);
    if (!index || index.keys.length > MAX_INDEXED_KEYS) {
      index = new KeyIndex();
      this.keyIndexes.set(dimension, index);
    }
    return index;
  }

  /** Counts per key over spans still open, in one statement: one state of all of them. */
  private openCounts(
    dimension: CountDimension,
    spans: readonly BucketSpan[],
    keys: KeyIndex,
  ): Promise<BucketCounts> {
    if (spans.length === 0) return Promise.resolve(NO_COUNTS);
    const params: unknown[] = [];
    const rows = countRowsSql({ dimension }, spans, params);
    return this.query(
      `SELECT coalesce(json_agg(key), '[]') AS keys, coalesce(json_agg(event_count), '[]') AS counts
         FROM (${rows}) AS counted`,
      params,
      ([row]: KeyCountRow[]) => bucketCountsOf(keys, row.keys, row.counts),
      // Ids mean nothing outside their index: an answer shaped with a replaced one is not reused.
      `keys ${keys.serial}`,
    );
  }

  /** Counts per key in each bucket, every bucket in one statement (each as one JSON row). */
  private async bucketCounts(
    dimension: CountDimension,
    buckets: readonly SignedBucket[],
    keys: KeyIndex,
  ): Promise<BucketCounts[]> {
    // With GATEWAY_ANALYTICS_SETTLED_SECONDS=0 every span is read as an open one: none here.
    if (buckets.length === 0) return [];
    const params: unknown[] = [];
    const counted = countRowsSql({ dimension }, spansOfBuckets(buckets), params);
    // Grouped by bucket only: few groups, where grouping by key too would hash every row.
    const rows = await this.statements.query<KeyCountRow & { resolution: string; at: number }>(
      `SELECT resolution, ${EPOCH_SECONDS} AS at, json_agg(key) AS keys, json_agg(event_count) AS counts
         FROM (${counted}) AS counted GROUP BY resolution, bucket`,
      params,
    );
    const found = new Map<string, BucketCounts>();
    for (const row of rows) {
      found.set(`${row.resolution} ${row.at * 1000}`, bucketCountsOf(keys, row.keys, row.counts));
    }
    return buckets.map((b) => found.get(`${b.resolution} ${b.start}`) ?? NO_COUNTS);
  }

  /**
   * The start of the first UTC day whose per-minute rollups and counts are all there (epoch
   * ms): the consumer's retention deletes them a whole day at a time, oldest first, so from
   * the day of the oldest one left they are complete. Infinity when there are none: then only
   * hours and days can answer. One step down the counts' primary key, asked afresh every time:
   * events stored late for an older day move it back at once.
   */
  async minutesKeptFrom(): Promise<number> {
    const [row] = await this.statements.query<{ day: number | null }>(
      `SELECT (extract(epoch FROM date_trunc('day', min(bucket), 'UTC')) * 1000)::float8 AS day
         FROM event_counts WHERE resolution = 'minute' AND dimension = 'total'`,
      [],
    );
    return row.day ?? Number.POSITIVE_INFINITY;
  }

  /** Incidents opened in the range, by their current status. */
  incidentsByStatus(range: Range) {
    return this.query(
      `SELECT status AS key, count(*) AS count FROM incidents
        WHERE opened_at >= $1 AND opened_at < $2 GROUP BY status`,
      [range.from, range.to],
      (rows: { key: string; count: string | number }[]) =>
        rows.map((row) => ({ key: row.key, count: Number(row.count) })),
    );
  }

  /**
   * Counts per interval start (epoch ms, as `bucketStart` gives it). The spans must be no
   * coarser than the interval, so each stored bucket falls in one step.
   */
  async series(
    spans: readonly BucketSpan[],
    interval: Interval,
    filter: SeriesFilter,
  ): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (spans.length === 0) return counts;
    const params: unknown[] = [];
    const rows = countRowsSql(seriesRows(filter), spans, params);
    // Buckets folded into steps here, from two JSON arrays in one row: no row per bucket to
    // parse, and no grouping in the database (a bucket may come from two resolutions).
    const found = await this.query(
      `SELECT coalesce(json_agg(${EPOCH_SECONDS}), '[]') AS at,
              coalesce(json_agg(event_count), '[]') AS counts
         FROM (${rows}) AS counted`,
      params,
      ([row]: { at: number[]; counts: number[] }[]) => ({
        at: Float64Array.from(row.at, (seconds) => seconds * 1000),
        counts: Float64Array.from(row.counts),
      }),
    );
    found.at.forEach((at, i) => {
      const step = bucketStart(at, interval);
      counts.set(step, (counts.get(step) ?? 0) + found.counts[i]);
    });
    return counts;
  }

  /**
   * Counts per stored bucket and key of one dimension, every key (a stacked series picks its
   * bands from them). The spans must be no coarser than the series' interval.
   */
  async seriesByKey(
    spans: readonly BucketSpan[],
    dimension: CountDimension,
  ): Promise<KeyedBucketCounts> {
    if (spans.length === 0)
      return { index: new KeyIndex(), at: new Float64Array(0), counts: NO_COUNTS };
    const params: unknown[] = [];
    const rows = countRowsSql({ dimension }, spans, params);
    return this.query(
      `SELECT coalesce(json_agg(${EPOCH_SECONDS}), '[]') AS at, coalesce(json_agg(key), '[]') AS keys,
              coalesce(json_agg(event_count), '[]') AS counts
         FROM (${rows}) AS counted`,
      params,
      // An index of its own: the answer's ids never meet another index's.
      ([row]: (KeyCountRow & { at: number[] })[]) => {
        const index = new KeyIndex();
        return {
          index,
          at: Float64Array.from(row.at, (seconds) => seconds * 1000),
          counts: bucketCountsOf(index, row.keys, row.counts),
        };
      },
    );
  }
}

/**
 * The rows a series counts. All events: the `total` counts (one row per bucket). One type or
 * one source: that key's counts. Both at once: that source's rows of that type.
 */
function seriesRows(filter: SeriesFilter): CountRows {
  if (filter.source !== undefined) {
    return { dimension: 'source', key: filter.source, type: filter.type };
  }
  if (filter.type !== undefined) return { dimension: 'type', key: filter.type };
  return { dimension: 'total' };
}

import { BadRequestException, Injectable } from '@nestjs/common';
import { SEVERITIES } from '@app/contracts';
import { assertSpan, TimeRangeQueryDto, timeRangeOf } from '../common/time-range';
import {
  GroupedTimeSeriesDto,
  SeverityDistributionDto,
  SummaryDto,
  TimeSeriesDto,
  TimeSeriesQueryDto,
} from './analytics.dto';
import { AnalyticsRepository, Range } from './analytics.repository';
import { countableRange, coveringBuckets, minuteAligned } from './covering-buckets';
import { stackedSeries } from './stacked-series';
import {
  bucketCount,
  bucketStart,
  fillBuckets,
  Interval,
  INTERVAL_SECONDS,
  MAX_POINTS,
} from './time-buckets';

/** Without from/to, analytics look at the last 24 hours; no range may exceed a year. */
const DEFAULT_SPAN_MS = 86_400_000;
const MAX_SPAN_DAYS = 366;

@Injectable()
export class AnalyticsService {
  constructor(private readonly analytics: AnalyticsRepository) {}

  async summary(query: TimeRangeQueryDto): Promise<SummaryDto> {
    const range = this.range(query);
    const spans = await this.spansOf(range);
    const [bySeverity, byType, topSources, incidentsByStatus] = await Promise.all([
      this.analytics.countsBy('severity', spans, SEVERITIES.length),
      this.analytics.countsBy('type', spans, 50),
      this.analytics.countsBy('source', spans, 10),
      // Over the same minutes as the event counts, so that one answer serves every request
      // within the same minute.
      this.analytics.incidentsByStatus(countedMinutes(range)),
    ]);
    // Every event has exactly one severity: their sum is the total, with no query of its own.
    const totalEvents = bySeverity.reduce((sum, c) => sum + c.count, 0);
    return { ...iso(range), totalEvents, byType, topSources, incidentsByStatus };
  }

  async severityDistribution(query: TimeRangeQueryDto): Promise<SeverityDistributionDto> {
    const range = this.range(query);
    const counts = new Map(
      (await this.analytics.countsBy('severity', await this.spansOf(range), SEVERITIES.length)).map(
        (c) => [c.key, c.count],
      ),
    );
    return {
      ...iso(range),
      items: SEVERITIES.map((severity) => ({ severity, count: counts.get(severity) ?? 0 })),
    };
  }

  async timeSeries(query: TimeSeriesQueryDto): Promise<TimeSeriesDto | GroupedTimeSeriesDto> {
    const range = this.range(query);
    const points = bucketCount(range.from, range.to, query.interval);
    if (points > MAX_POINTS) {
      throw new BadRequestException(
        `the range holds ${points} ${query.interval} buckets, more than ${MAX_POINTS}: narrow it or use a longer interval`,
      );
    }
    if (query.groupBy === 'type') return this.seriesByType(query, range);
    // Buckets no coarser than the interval, so none straddles two points. One type from one
    // source is only in the per-minute rollups, which coarser buckets would read all the same.
    const coarsest =
      query.type !== undefined && query.source !== undefined ? 'minute' : query.interval;
    const counts = await this.analytics.series(
      await this.spansOf(range, coarsest),
      query.interval,
      {
        type: query.type,
        source: query.source,
      },
    );
    return {
      interval: query.interval,
      ...iso(range),
      points: fillBuckets(range.from, range.to, query.interval, counts),
    };
  }

  /**
   * Every event counted once, in the band of its type: the per-type counts of the same
   * buckets the ungrouped series reads its totals from.
   */
  private async seriesByType(
    query: TimeSeriesQueryDto,
    range: Range,
  ): Promise<GroupedTimeSeriesDto> {
    if (query.type !== undefined || query.source !== undefined) {
      throw new BadRequestException('groupBy=type counts every event: leave out type and source');
    }
    const rows = await this.analytics.seriesByKey(
      await this.spansOf(range, query.interval),
      'type',
    );
    return {
      interval: query.interval,
      ...iso(range),
      series: stackedSeries(rows, range.from, range.to, query.interval),
    };
  }

  /**
   * The stored buckets that answer for the range, none coarser than `coarsest`; an end where
   * the per-minute data has expired counts to a whole hour (`countableRange`).
   */
  private async spansOf(range: Range, coarsest: Interval = 'day') {
    const minutes = countedMinutes(range);
    const now = Date.now();
    // Retention keeps at least yesterday's minutes: ranges from then on need not ask.
    const minutesFrom =
      minutes.from.getTime() >= yesterday(now) ? 0 : await this.analytics.minutesKeptFrom();
    const { from, to } = countableRange(minutes.from.getTime(), minutes.to.getTime(), minutesFrom);
    return coveringBuckets(from, to, coarsest, now);
  }

  private range(query: TimeRangeQueryDto): Range {
    const { from, to } = timeRangeOf(query);
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - DEFAULT_SPAN_MS);
    assertSpan(start.getTime(), end.getTime(), MAX_SPAN_DAYS);
    return { from: start, to: end };
  }
}

/** The start of yesterday, UTC: the oldest minute EVENTS_RETENTION_DAYS (at least 1) keeps. */
const yesterday = (now: number) => bucketStart(now, 'day') - INTERVAL_SECONDS.day * 1000;

/** The whole minutes the counts answer for: those that start inside the range. */
function countedMinutes(range: Range): Range {
  const { from, to } = minuteAligned(range.from, range.to);
  return { from: new Date(from), to: new Date(to) };
}

const iso = (range: Range) => ({ from: range.from.toISOString(), to: range.to.toISOString() });

import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Access } from '../auth';
import { TimeRangeQueryDto } from '../common/time-range';
import {
  GroupedTimeSeriesDto,
  SeverityDistributionDto,
  SummaryDto,
  TimeSeriesDto,
  TimeSeriesQueryDto,
} from './analytics.dto';
import { AnalyticsService } from './analytics.service';

const RANGE_NOTE = 'from/to default to the last 24 hours; a range spans at most 366 days.';

@ApiTags('analytics')
@Controller('api/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @Access('read')
  @ApiOperation({
    summary: 'Totals, counts by type, top sources, incidents by status',
    description: RANGE_NOTE,
  })
  @ApiOkResponse({ type: SummaryDto })
  summary(@Query() query: TimeRangeQueryDto): Promise<SummaryDto> {
    return this.analytics.summary(query);
  }

  @Get('severity-distribution')
  @Access('read')
  @ApiOperation({ summary: 'Events by severity', description: RANGE_NOTE })
  @ApiOkResponse({ type: SeverityDistributionDto })
  severityDistribution(@Query() query: TimeRangeQueryDto): Promise<SeverityDistributionDto> {
    return this.analytics.severityDistribution(query);
  }

  @Get('time-series')
  @Access('read')
  @ApiOperation({
    summary:
      'Event counts per minute, hour or day, empty buckets as 0; stacked by type with groupBy=type',
    description: `${RANGE_NOTE} At most 10,080 buckets (a week of minutes). Intervals for a chart: minute up to a day, hour up to a week (or for a day), day beyond. groupBy=type answers \`series\` (the 8 busiest types and \`other\`) instead of \`points\`.`,
  })
  @ApiExtraModels(TimeSeriesDto, GroupedTimeSeriesDto)
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TimeSeriesDto) },
        { $ref: getSchemaPath(GroupedTimeSeriesDto) },
      ],
    },
    description: 'TimeSeriesDto without groupBy, GroupedTimeSeriesDto with groupBy=type',
  })
  timeSeries(@Query() query: TimeSeriesQueryDto): Promise<TimeSeriesDto | GroupedTimeSeriesDto> {
    return this.analytics.timeSeries(query);
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  MAX_SOURCE_LENGTH,
  MAX_TYPE_LENGTH,
  SEVERITIES,
  TYPE_PATTERN,
  type Severity,
} from '@app/contracts';
import { TimeRangeQueryDto } from '../common/time-range';
import { INTERVAL_SECONDS, Interval } from './time-buckets';

export class TimeSeriesQueryDto extends TimeRangeQueryDto {
  @ApiProperty({ enum: Object.keys(INTERVAL_SECONDS), example: 'minute' })
  @IsIn(Object.keys(INTERVAL_SECONDS), { message: 'interval must be minute, hour or day' })
  interval: Interval;

  @ApiPropertyOptional({ example: 'payment.exception' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TYPE_LENGTH)
  @Matches(TYPE_PATTERN, { message: 'type must be an event type such as payment.exception' })
  type?: string;

  @ApiPropertyOptional({ example: 'client-42' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SOURCE_LENGTH)
  source?: string;

  @ApiPropertyOptional({
    enum: ['type'],
    description:
      'type: one series per event type, the 8 with the most events in the range and `other` for the rest (answered as `series` instead of `points`); not with type or source',
  })
  @IsOptional()
  @IsIn(['type'], { message: 'groupBy must be type' })
  groupBy?: 'type';
}

export class CountDto {
  @ApiProperty({ example: 'payment.exception' }) key: string;
  @ApiProperty({ example: 1250 }) count: number;
}

export class SeverityCountDto {
  @ApiProperty({ enum: SEVERITIES }) severity: Severity;
  @ApiProperty({ example: 310 }) count: number;
}

export class SummaryDto {
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) to: string;
  @ApiProperty({ description: 'events in the range', example: 48210 }) totalEvents: number;
  @ApiProperty({ type: [CountDto], description: 'by type, largest first (at most 50)' })
  byType: CountDto[];
  @ApiProperty({ type: [CountDto], description: 'the 10 busiest sources' }) topSources: CountDto[];
  @ApiProperty({ type: [CountDto], description: 'incidents opened in the range, by status' })
  incidentsByStatus: CountDto[];
}

export class SeverityDistributionDto {
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) to: string;
  @ApiProperty({ type: [SeverityCountDto], description: 'every severity, 0 included' })
  items: SeverityCountDto[];
}

export class TimeSeriesPointDto {
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
  @ApiProperty({ example: 93 }) count: number;
}

export class TimeSeriesDto {
  @ApiProperty({ enum: Object.keys(INTERVAL_SECONDS) }) interval: Interval;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) to: string;
  @ApiProperty({ type: [TimeSeriesPointDto] }) points: TimeSeriesPointDto[];
}

export class KeySeriesDto {
  @ApiProperty({ example: 'payment.exception', description: 'an event type, or `other`' })
  key: string;
  @ApiProperty({ type: [TimeSeriesPointDto], description: 'the buckets of the ungrouped answer' })
  points: TimeSeriesPointDto[];
}

export class GroupedTimeSeriesDto {
  @ApiProperty({ enum: Object.keys(INTERVAL_SECONDS) }) interval: Interval;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) to: string;
  @ApiProperty({
    type: [KeySeriesDto],
    description:
      'the 8 types with the most events in the range, most first (ties by name), then `other` for the rest when it has any; per bucket they add up to the ungrouped count',
  })
  series: KeySeriesDto[];
}

import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const WITHIN_DEFAULT_SECONDS = 300;
/** A day: the look-back then touches today's and yesterday's partitions only. */
export const WITHIN_MAX_SECONDS = 86_400;

export class LiveHostMetricsQueryDto {
  @ApiPropertyOptional({
    description: 'how far back (seconds) a reading may be; older hosts and readings are left out',
    minimum: 1,
    maximum: WITHIN_MAX_SECONDS,
    default: WITHIN_DEFAULT_SECONDS,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'within must be a whole number of seconds' })
  @Min(1)
  @Max(WITHIN_MAX_SECONDS, { message: `within must not be greater than ${WITHIN_MAX_SECONDS}` })
  within: number = WITHIN_DEFAULT_SECONDS;
}

export class ReadingDto {
  @ApiProperty({ example: 42.5 }) value: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z', description: 'the event’s occurredAt' })
  at: string;
}

const reading = (description: string) => ApiPropertyOptional({ type: ReadingDto, description });

/** A host's newest reading of each metric it reported within the window. */
export class HostReadingsDto {
  @reading('CPU in use, percent of all cores') cpu_percent?: ReadingDto;
  @reading('memory in use, percent') memory_percent?: ReadingDto;
  @ApiPropertyOptional({
    description: 'disk in use, percent, by mount (the event payload’s `path`)',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ReadingDto) },
    example: { '/': { value: 71.2, at: '2026-11-23T10:00:00.000Z' } },
  })
  disk_percent?: Record<string, ReadingDto>;
  @reading('load average, 1 minute') load1?: ReadingDto;
  @reading('load average, 5 minutes') load5?: ReadingDto;
  @reading('load average, 15 minutes') load15?: ReadingDto;
}

export class LiveHostDto {
  @ApiProperty({ example: 'web-1', description: 'the events’ source' }) host: string;
  @ApiProperty({ type: HostReadingsDto }) metrics: HostReadingsDto;
}

export class LiveHostMetricsDto {
  @ApiProperty({ type: [LiveHostDto], description: 'by host name' }) hosts: LiveHostDto[];
  @ApiProperty({ example: WITHIN_DEFAULT_SECONDS, description: 'the look-back, seconds' })
  within: number;
  @ApiProperty({ example: '2026-11-23T10:00:05.000Z' }) generatedAt: string;
}

import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_SOURCE_LENGTH, MAX_TYPE_LENGTH, SEVERITIES, TYPE_PATTERN } from '@app/contracts';
import type { Severity } from '@app/contracts';
import { ApiNextCursor, PageQueryDto } from '../common/page';
import { TimeRangeQueryDto } from '../common/time-range';

export class EventSourceQueryDto extends IntersectionType(PageQueryDto, TimeRangeQueryDto) {
  @ApiPropertyOptional({ example: 'payment.exception' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TYPE_LENGTH)
  @Matches(TYPE_PATTERN, {
    message:
      'type must start with a letter or digit and contain only letters, digits and . _ : / -',
  })
  type?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;
}

export class EventQueryDto extends EventSourceQueryDto {
  @ApiPropertyOptional({ example: 'client-42' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SOURCE_LENGTH)
  source?: string;
}

export class EventDto {
  @ApiProperty({ example: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f' }) id: string;
  @ApiProperty({ example: 'payment.exception' }) type: string;
  @ApiProperty({ example: 'client-42' }) source: string;
  @ApiProperty({ enum: SEVERITIES }) severity: Severity;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) occurredAt: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.120Z' }) receivedAt: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1 }) value: number | null;
  @ApiPropertyOptional({ description: 'object or string', nullable: true })
  payload: Record<string, unknown> | string | null;
}

export class EventPageDto {
  @ApiProperty({ type: [EventDto] }) items: EventDto[];
  @ApiNextCursor() nextCursor: string | null;
}

export class AcceptedEventsDto {
  @ApiProperty({ example: ['0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f'] }) ids: string[];
}

export class LegacyEventDto {
  @ApiProperty({ example: 'login.failed' })
  @IsString()
  @MaxLength(MAX_TYPE_LENGTH)
  event_type: string;

  @ApiProperty({ example: 'user 42 from 203.0.113.7' })
  @IsString()
  event_payload: string;
}

/**
 * The version-1 event as documentation: the body is checked by the consumer's own decoder
 * (the JSON Schema is libs/contracts/src/event.schema.json), not by this class.
 */
export class EventInputDto {
  @ApiPropertyOptional({
    description: 'UUID; generated when absent',
    example: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
  })
  id?: string;
  @ApiProperty({ example: 'payment.exception', maxLength: MAX_TYPE_LENGTH }) type: string;
  @ApiPropertyOptional({ example: 'client-42', default: 'unknown' }) source?: string;
  @ApiPropertyOptional({ enum: SEVERITIES, default: 'low' }) severity?: Severity;
  @ApiPropertyOptional({ example: '2026-11-23T10:00:00Z', description: 'default: now' })
  occurredAt?: string;
  @ApiPropertyOptional({ type: Number, example: 1 }) value?: number;
  @ApiPropertyOptional({ description: 'object or string, at most 64 KiB as JSON' })
  payload?: Record<string, unknown> | string;
}

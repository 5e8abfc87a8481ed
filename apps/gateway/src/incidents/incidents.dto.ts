import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  INCIDENT_STATUSES,
  RULE_LIMITS,
  SEVERITIES,
  type Incident,
  type IncidentStatus,
  type Severity,
} from '@app/contracts';
import { ApiNextCursor, PageQueryDto } from '../common/page';
import { TimeRangeQueryDto } from '../common/time-range';
import { EventDto } from '../events/events.dto';

export class IncidentQueryDto extends IntersectionType(PageQueryDto, TimeRangeQueryDto) {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ description: 'rule id', example: 'payment-exceptions' })
  @IsOptional()
  @IsString()
  @Matches(RULE_LIMITS.idPattern, { message: 'rule must be a rule id' })
  rule?: string;
}

export class IncidentActionDto {
  @ApiPropertyOptional({
    description: 'why, for the audit log',
    maxLength: 500,
    example: 'paged the payments on-call',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class IncidentDto {
  @ApiProperty({ example: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f' }) id: string;
  @ApiProperty({ example: 'payment-exceptions' }) ruleId: string;
  @ApiProperty({ example: 'Payment exceptions' }) ruleName: string;
  @ApiProperty({ example: 'client-42' }) groupKey: string;
  @ApiProperty({ enum: SEVERITIES }) severity: Severity;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty({ example: 12, description: 'the aggregate when it opened' }) value: number;
  @ApiProperty({ example: 'count' }) aggregate: Incident['aggregate'];
  @ApiProperty({ example: '>=' }) operator: Incident['operator'];
  @ApiProperty({ example: 10 }) threshold: number;
  @ApiProperty({ example: 'sliding' }) windowKind: Incident['windowKind'];
  @ApiProperty({ example: 60 }) windowSeconds: number;
  @ApiProperty({ example: '2026-11-23T09:59:00.000Z' }) windowStart: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) windowEnd: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) openedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-11-23T10:04:00.000Z' })
  acknowledgedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'oncall-key' })
  acknowledgedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: null }) resolvedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: null }) resolvedBy: string | null;
  @ApiProperty({ type: [String], example: ['0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f'] })
  eventIds: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [],
    description: "always empty here: the rule's channels hold credentials and stay on the server",
  })
  channels: Incident['channels'];
}

export class IncidentPageDto {
  @ApiProperty({ type: [IncidentDto] }) items: IncidentDto[];
  @ApiNextCursor() nextCursor: string | null;
}

export class DeliveryDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: 'incident.opened' }) kind: string;
  @ApiProperty({ example: 'webhook' }) channelType: string;
  @ApiProperty({ example: 0, description: "index in the rule's channels" }) channelIndex: number;
  @ApiProperty({
    description: 'where it went, secrets masked',
    example: 'https://hooks.example.com/***',
  })
  target: string;
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ example: 5 }) maxAttempts: number;
  @ApiProperty({ example: 'delivered' }) outcome: string;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 200 }) statusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: null }) error: string | null;
  @ApiProperty({ example: 84 }) durationMs: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
}

export class IncidentDetailDto extends IncidentDto {
  @ApiProperty({ type: [EventDto], description: 'the triggering events that are stored' })
  events: EventDto[];
  @ApiProperty({
    type: [String],
    description: 'triggering event ids not (yet) stored',
    example: [],
  })
  missingEventIds: string[];
  @ApiProperty({ type: [DeliveryDto] }) deliveries: DeliveryDto[];
}

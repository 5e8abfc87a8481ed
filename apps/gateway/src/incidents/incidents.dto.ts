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
import { PageQueryDto } from '../common/page';
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
  @ApiPropertyOptional({ description: 'why, for the audit log', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class IncidentDto {
  @ApiProperty({ example: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f' }) id: string;
  @ApiProperty() ruleId: string;
  @ApiProperty() ruleName: string;
  @ApiProperty({ example: 'client-42' }) groupKey: string;
  @ApiProperty({ enum: SEVERITIES }) severity: Severity;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty() value: number;
  @ApiProperty({ example: 'count' }) aggregate: Incident['aggregate'];
  @ApiProperty({ example: '>=' }) operator: Incident['operator'];
  @ApiProperty() threshold: number;
  @ApiProperty({ example: 'sliding' }) windowKind: Incident['windowKind'];
  @ApiProperty() windowSeconds: number;
  @ApiProperty() windowStart: string;
  @ApiProperty() windowEnd: string;
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) resolvedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) resolvedBy: string | null;
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) channels: Incident['channels'];
}

export class IncidentPageDto {
  @ApiProperty({ type: [IncidentDto] }) items: IncidentDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class DeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'incident.opened' }) kind: string;
  @ApiProperty({ example: 'webhook' }) channelType: string;
  @ApiProperty() channelIndex: number;
  @ApiProperty({ description: 'where it went, secrets masked' }) target: string;
  @ApiProperty() attempt: number;
  @ApiProperty() maxAttempts: number;
  @ApiProperty({ example: 'delivered' }) outcome: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) statusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty() durationMs: number;
  @ApiProperty() at: string;
}

export class IncidentDetailDto extends IncidentDto {
  @ApiProperty({ type: [EventDto], description: 'the triggering events that are stored' })
  events: EventDto[];
  @ApiProperty({ type: [String], description: 'triggering event ids not (yet) stored' })
  missingEventIds: string[];
  @ApiProperty({ type: [DeliveryDto] }) deliveries: DeliveryDto[];
}

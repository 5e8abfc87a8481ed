import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { AlertRule } from '@app/contracts';
import { PageQueryDto } from '../common/page';

export class RuleQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export const RULE_EXAMPLE = {
  id: 'payment-exceptions-per-client',
  name: 'Payment exceptions per client',
  enabled: true,
  match: { types: ['payment.*'], sources: [], minSeverity: 'low' },
  groupBy: 'source',
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 5 },
  severity: 'high',
  cooldownSeconds: 300,
  autoResolve: true,
  channels: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
};

export class RuleDto {
  @ApiProperty({ example: RULE_EXAMPLE.id }) id: string;
  @ApiProperty({ example: 3, description: 'grows by one with every change' }) version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ example: RULE_EXAMPLE, description: 'the rule as the alerting app reads it' })
  definition: AlertRule;
  @ApiProperty() enabled: boolean;
  @ApiProperty() name: string;
}

export class RulePageDto {
  @ApiProperty({ type: [RuleDto] }) items: RuleDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class BacktestIncidentDto {
  @ApiProperty({ example: 'client-42' }) groupKey: string;
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) value: number | null;
  @ApiProperty() windowStart: string;
  @ApiProperty() windowEnd: string;
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'when autoResolve would resolve it',
  })
  resolvedAt: string | null;
}

export class BacktestDto {
  @ApiProperty() ruleId: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty() eventsScanned: number;
  @ApiProperty({ example: { incidents: 2, resolved: 1, open: 1 } })
  counts: { incidents: number; resolved: number; open: number };
  @ApiProperty({ type: [BacktestIncidentDto], description: 'the first 1,000' })
  incidents: BacktestIncidentDto[];
}

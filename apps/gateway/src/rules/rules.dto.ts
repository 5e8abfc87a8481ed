import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { AlertRule } from '@app/contracts';
import { ApiNextCursor, PageQueryDto } from '../common/page';

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
  forSeconds: 60,
  autoResolve: true,
  channels: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
};

export class RuleOriginDto {
  @ApiProperty({
    enum: ['api', 'file'],
    example: 'file',
    description:
      "api: made through this API (the alert_rules table); file: predefined in alerting's rules file (ALERTING_RULES_FILE)",
  })
  kind: 'api' | 'file';

  @ApiPropertyOptional({
    example: 'apps/alerting/rules.sample.yaml',
    description: 'file rules only: the path alerting was configured with',
  })
  path?: string;
}

export class RuleStateDto {
  @ApiProperty({ example: true }) enabled: boolean;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 12,
    description:
      'group keys with a window in alerting, summed over its live replicas; null when no replica reported in the last 3 intervals (15 s by default)',
  })
  activeKeys: number | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 1,
    description:
      'of those, keys whose condition holds but not yet for forSeconds; null as activeKeys',
  })
  pendingKeys: number | null;

  @ApiProperty({
    example: 2,
    description: 'incidents of the rule not resolved (open or acknowledged)',
  })
  openIncidents: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-12-06T19:58:12.000Z',
    description: 'openedAt of its newest incident; null if it never opened one',
  })
  lastFiredAt: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-12-06T20:00:05.000Z',
    description: 'when the newest live alerting report was made; null when no replica is live',
  })
  reportedAt: string | null;
}

export class RuleDto {
  @ApiProperty({ example: RULE_EXAMPLE.id }) id: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description: 'grows by one with every change; null for a file rule',
  })
  version: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-11-20T08:00:00.000Z',
    description: 'null for a file rule',
  })
  createdAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-11-23T10:00:00.000Z',
    description: 'null for a file rule',
  })
  updatedAt: string | null;
  @ApiProperty({
    example: { ...RULE_EXAMPLE, activeFrom: '2026-11-23T10:00:00.000Z' },
    description:
      'the rule as the alerting app reads it; activeFrom (stamped by the gateway when the rule is created, re-enabled or evaluates differently; file rules have none) is when it started counting events; forSeconds (0 to 86400, default 0) is how long the condition must hold before an incident opens (pending until then, like Prometheus for:)',
  })
  definition: AlertRule;
  @ApiProperty({ example: RULE_EXAMPLE.enabled ?? true }) enabled: boolean;
  @ApiProperty({ example: RULE_EXAMPLE.name }) name: string;
  @ApiProperty({ type: RuleOriginDto, example: { kind: 'api' } }) origin: RuleOriginDto;
  @ApiProperty({
    example: false,
    description:
      'true for file rules: PUT, PATCH and DELETE answer 409 (change the file and restart alerting)',
  })
  readOnly: boolean;
  @ApiProperty({ type: RuleStateDto }) state: RuleStateDto;
}

export class RulePageDto {
  @ApiProperty({ type: [RuleDto] }) items: RuleDto[];
  @ApiNextCursor() nextCursor: string | null;
}

export class BacktestIncidentDto {
  @ApiProperty({ example: 'client-42' }) groupKey: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) openedAt: string;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 12 }) value: number | null;
  @ApiProperty({ example: '2026-11-23T09:59:00.000Z' }) windowStart: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) windowEnd: string;
  @ApiProperty({ type: [String], example: ['0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f'] })
  eventIds: string[];
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'when autoResolve would resolve it',
    example: '2026-11-23T10:05:00.000Z',
  })
  resolvedAt: string | null;
}

export class BacktestSeriesPointDto {
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z', description: "the bucket's end" })
  at: string;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    example: 6,
    description:
      "the rule's aggregate at that instant, of the group key nearest to firing; null when no key's window held an event (a count or sum that fires below its threshold shows 0 instead). A sliding count is capped at floor(threshold) + 1, as the engine keeps it",
  })
  value: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'client-42' })
  groupKey: string | null;
}

export class BacktestSeriesDto {
  @ApiProperty({
    example: 600,
    description:
      'the smallest of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12, 24 h that keeps the range within 240 points',
  })
  bucketSeconds: number;
  @ApiProperty({
    type: [BacktestSeriesPointDto],
    description: 'one per bucket end from + k × bucketSeconds, the last one at `to`',
  })
  points: BacktestSeriesPointDto[];
}

export class BacktestDto {
  @ApiProperty({ example: RULE_EXAMPLE.id }) ruleId: string;
  @ApiProperty({ example: '2026-11-16T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) to: string;
  @ApiProperty({ example: 182344 }) eventsScanned: number;
  @ApiProperty({
    example: { incidents: 2, resolved: 1, open: 1 },
    description: 'every incident opened, listed or not',
  })
  counts: { incidents: number; resolved: number; open: number };
  @ApiProperty({ type: [BacktestIncidentDto], description: 'the first 1,000' })
  incidents: BacktestIncidentDto[];
  @ApiProperty({ example: false, description: 'more incidents opened than are listed' })
  truncated: boolean;
  @ApiProperty({
    example: 0,
    description:
      'events of group keys beyond the 10,000 tracked at once, not evaluated (alerting caps keys per rule the same way)',
  })
  refusedEvents: number;
  @ApiProperty({
    type: BacktestSeriesDto,
    description:
      "the rule's aggregate over the range against its threshold: at each bucket end, the value of the group key nearest to (or furthest past) the threshold, the largest for > and >=, the smallest for < and <=",
  })
  series: BacktestSeriesDto;
}

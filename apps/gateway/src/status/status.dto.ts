import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  DeadLetterCounts,
  DependencyStatus,
  GroupLagStatus,
  IncidentCounts,
  RuleCounts,
  StatusAnswer,
  TopicLagStatus,
  TopicRecordCount,
} from './status-answer';

export class DependencyStatusDto implements DependencyStatus {
  @ApiProperty({ example: 'kafka', enum: ['kafka', 'database'] }) name: string;
  @ApiProperty({ example: 'up', enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ example: 'brokers 3, controller 1', description: 'why it is down' })
  detail?: string;
  @ApiProperty({ example: 4, description: 'how long the check took (at most ~2 s)' })
  latencyMs: number;
}

export class TopicLagDto implements TopicLagStatus {
  @ApiProperty({ example: 'events' }) topic: string;
  @ApiProperty({
    example: 120,
    nullable: true,
    type: Number,
    description: 'sum over partitions of high watermark - committed offset',
  })
  lag: number | null;
  @ApiPropertyOptional({ example: 'no offset committed yet' }) reason?: string;
}

export class GroupLagDto implements GroupLagStatus {
  @ApiProperty({ example: 'alerting' }) service: string;
  @ApiProperty({ example: 'eventmon-alerting' }) groupId: string;
  @ApiProperty({ example: 120, nullable: true, type: Number, description: 'sum of the topics' })
  lag: number | null;
  @ApiPropertyOptional({ example: 'the group has committed nothing yet' }) reason?: string;
  @ApiProperty({ type: () => [TopicLagDto], example: [{ topic: 'events', lag: 120 }] })
  topics: TopicLagDto[];
}

export class RuleCountsDto implements RuleCounts {
  @ApiProperty({
    example: 12,
    description:
      "every rule alerting runs: the rows of alert_rules and the rules of alerting's rules file that no row replaces (as GET /api/rules lists them)",
  })
  loaded: number;
  @ApiProperty({ example: 10 }) enabled: number;
  @ApiProperty({ example: 3, description: "of loaded, the rules from alerting's rules file" })
  fromFile: number;
}

export class IncidentCountsDto implements IncidentCounts {
  @ApiProperty({ example: 3 }) open: number;
  @ApiProperty({ example: 1 }) acknowledged: number;
}

export class TopicRecordCountDto implements TopicRecordCount {
  @ApiProperty({ example: 'events.dlq' }) topic: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class DeadLetterCountsDto implements DeadLetterCounts {
  @ApiProperty({ example: '2026-12-06T03:00:00.000Z', description: 'one hour before generatedAt' })
  since: string;
  @ApiProperty({ example: 2, description: 'records of both DLQ topics stamped since then' })
  lastHour: number;
  @ApiProperty({ type: () => [TopicRecordCountDto], example: [{ topic: 'events.dlq', count: 2 }] })
  topics: TopicRecordCountDto[];
}

export class StatusDto implements StatusAnswer {
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ example: '2026-12-06T04:00:00.000Z' }) generatedAt: string;
  @ApiProperty({ type: () => [DependencyStatusDto] }) dependencies: DependencyStatusDto[];
  @ApiProperty({ type: () => [GroupLagDto] }) consumerLag: GroupLagDto[];
  @ApiPropertyOptional({ type: () => RuleCountsDto, nullable: true }) rules: RuleCountsDto | null;
  @ApiPropertyOptional({ type: () => IncidentCountsDto, nullable: true })
  incidents: IncidentCountsDto | null;
  @ApiPropertyOptional({ type: () => DeadLetterCountsDto, nullable: true })
  deadLetters: DeadLetterCountsDto | null;
  @ApiProperty({
    example: [],
    description: 'why a part is null (PostgreSQL or Kafka did not answer in time)',
  })
  problems: string[];
}

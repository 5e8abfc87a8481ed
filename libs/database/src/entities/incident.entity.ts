import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  Aggregate,
  ChannelConfig,
  IncidentStatus,
  Operator,
  Severity,
  WindowKind,
} from '@app/contracts';

/**
 * An incident as of the last lifecycle message applied to it (see the `Incident` contract).
 * Written by the consumer from `notifications`; the row only moves forward in status, so
 * readers never see an acknowledged incident become open again.
 */
@Entity({ name: 'incidents' })
@Check('incidents_status_check', `status IN ('open', 'acknowledged', 'resolved')`)
@Check('incidents_severity_check', `severity IN ('low', 'medium', 'high', 'critical')`)
// The migration creates this one as (status, opened_at DESC): the newest open incidents first.
@Index('incidents_status_opened_at_idx', ['status', 'openedAt'])
@Index('incidents_rule_group_idx', ['ruleId', 'groupKey'])
@Index('incidents_opened_at_idx', ['openedAt'])
export class IncidentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 128 })
  ruleId: string;

  @Column({ name: 'rule_name', type: 'varchar', length: 200 })
  ruleName: string;

  @Column({ name: 'group_key', type: 'varchar', length: 1024 })
  groupKey: string;

  @Column({ type: 'varchar', length: 8 })
  severity: Severity;

  @Column({ type: 'varchar', length: 16 })
  status: IncidentStatus;

  /** The aggregate's value when the condition became true. */
  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'varchar', length: 8 })
  aggregate: Aggregate;

  @Column({ type: 'varchar', length: 2 })
  operator: Operator;

  @Column({ type: 'double precision' })
  threshold: number;

  @Column({ name: 'window_kind', type: 'varchar', length: 16 })
  windowKind: WindowKind;

  @Column({ name: 'window_seconds', type: 'integer' })
  windowSeconds: number;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  @Column({ name: 'window_end', type: 'timestamptz' })
  windowEnd: Date;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 200, nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 200, nullable: true })
  resolvedBy: string | null;

  /** Trigger events, newest first (at most MAX_INCIDENT_EVENT_IDS). */
  @Column({ name: 'event_ids', type: 'uuid', array: true, default: () => `'{}'` })
  eventIds: string[];

  /** The rule's channels when it fired. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  channels: ChannelConfig[];

  /** The `at` of the lifecycle message this row reflects: how order is decided on replay. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** When the consumer first stored the incident. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

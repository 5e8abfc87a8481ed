import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ChannelType, DeliveryOutcome, LifecycleKind } from '@app/contracts';

/**
 * One attempt to deliver a lifecycle message to one channel (the `DeliveryRecord` contract),
 * stored once by the consumer from `notifications.deliveries`.
 *
 * `incidentId` deliberately has no foreign key: the deliveries topic is consumed apart from
 * `notifications`, so an attempt may be stored before its incident row exists.
 */
@Entity({ name: 'deliveries' })
@Index('deliveries_incident_at_idx', ['incidentId', 'at'])
@Index('deliveries_at_idx', ['at'])
export class DeliveryEntity {
  /** Deterministic per (incident, kind, channel index, attempt): a replay is recognised. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 128 })
  ruleId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: LifecycleKind;

  @Column({ name: 'channel_type', type: 'varchar', length: 16 })
  channelType: ChannelType;

  @Column({ name: 'channel_index', type: 'integer' })
  channelIndex: number;

  /** Where it went, without secrets (a host name, a recipient count). */
  @Column({ type: 'varchar', length: 500 })
  target: string;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts: number;

  @Column({ type: 'varchar', length: 16 })
  outcome: DeliveryOutcome;

  /** HTTP status or SMTP reply code, when there was one. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'double precision' })
  durationMs: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200 })
  idempotencyKey: string;

  /** When the attempt finished. */
  @Column({ type: 'timestamptz' })
  at: Date;

  /** When the consumer stored the record. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

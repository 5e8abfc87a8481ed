import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Severity } from '@app/contracts';

/**
 * One accepted event. Written only by the consumer, in batches (see EventBatchRepository), into
 * a table partitioned by UTC day of `occurred_at` (PartitionEventsByDay migration), whose key
 * is (id, occurred_at).
 */
@Entity({ name: 'events' })
@Index('events_occurred_at_idx', ['occurredAt', 'id'])
@Index('events_type_occurred_at_idx', ['type', 'occurredAt'])
@Index('events_source_occurred_at_idx', ['source', 'occurredAt'])
export class EventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128 })
  type: string;

  @Column({ type: 'varchar', length: 128 })
  source: string;

  @Column({ type: 'varchar', length: 8 })
  severity: Severity;

  @PrimaryColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ type: 'double precision', nullable: true })
  value: number | null;

  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | string | null;

  /** Where the event was read from, so an operator can find it in Kafka again. */
  @Column({ name: 'kafka_partition', type: 'integer', nullable: true })
  kafkaPartition: number | null;

  @Column({ name: 'kafka_offset', type: 'bigint', nullable: true })
  kafkaOffset: string | null;
}

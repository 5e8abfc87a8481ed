import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Severity } from '@app/contracts';

/**
 * Per-minute event counts by type, source and severity, kept by the consumer in the same
 * transaction as the events themselves, so analytics never scan raw events and the counts
 * always agree with the rows.
 */
@Entity({ name: 'event_rollups_minute' })
@Index('event_rollups_minute_type_bucket_idx', ['type', 'bucket'])
@Index('event_rollups_minute_source_bucket_idx', ['source', 'bucket'])
export class EventRollupMinuteEntity {
  @PrimaryColumn({ type: 'timestamptz' })
  bucket: Date;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  type: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  source: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  severity: Severity;

  @Column({ name: 'event_count', type: 'bigint' })
  eventCount: string;

  /** How many of those events carried a `value` (metric events), and its sum, min and max. */
  @Column({ name: 'value_count', type: 'bigint', default: 0 })
  valueCount: string;

  @Column({ name: 'value_sum', type: 'double precision', nullable: true })
  valueSum: number | null;

  @Column({ name: 'value_min', type: 'double precision', nullable: true })
  valueMin: number | null;

  @Column({ name: 'value_max', type: 'double precision', nullable: true })
  valueMax: number | null;
}

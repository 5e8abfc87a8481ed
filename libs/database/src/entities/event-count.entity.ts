import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type CountResolution = 'minute' | 'hour' | 'day';
/** `total` has one key, `all`: a time series of every event reads one row per bucket. */
export type CountDimension = 'type' | 'source' | 'severity' | 'total';

/**
 * Event counts per bucket of one resolution, along one dimension. Kept by the consumer in
 * the same statement as the events and `event_rollups_minute`, so every resolution agrees
 * with the rows. There are no per-minute `source` counts (see the migration).
 */
@Entity({ name: 'event_counts' })
@Index('event_counts_key_bucket_idx', ['resolution', 'dimension', 'key', 'bucket'])
export class EventCountEntity {
  @PrimaryColumn({ type: 'varchar', length: 6 })
  resolution: CountResolution;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  dimension: CountDimension;

  @PrimaryColumn({ type: 'timestamptz' })
  bucket: Date;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  key: string;

  @Column({ name: 'event_count', type: 'bigint' })
  eventCount: string;
}

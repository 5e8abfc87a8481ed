import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change made through the gateway: who (an API key's principal id), what, before, after. */
@Entity({ name: 'audit_log' })
@Index('audit_log_at_idx', ['at', 'id'])
@Index('audit_log_target_idx', ['targetType', 'targetId', 'at'])
export class AuditEntryEntity {
  // bigint arrives from pg as a string: kept as one so ids past 2^53 stay exact.
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 64 })
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType: string;

  @Column({ name: 'target_id', type: 'varchar', length: 128 })
  targetId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after: object | null;
}

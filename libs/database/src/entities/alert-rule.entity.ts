import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AlertRule } from '@app/contracts';

/**
 * A rule as the gateway stores it: the decoded rule whole in `definition`, with the columns
 * lists and filters need beside it. `version` grows by one on every change.
 */
@Entity({ name: 'alert_rules' })
@Index('alert_rules_name_idx', ['name'])
export class AlertRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'jsonb' })
  definition: AlertRule;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntryEntity } from '@app/database';
import type { Principal } from '../auth';
import type { TimeRange } from '../common/time-range';

export interface AuditRecord {
  actor: Principal;
  /** e.g. `rule.created`, `incident.acknowledged`, `dlq.replayed` */
  action: string;
  targetType: string;
  targetId: string;
  /** JSON-serialisable state before the change (null for a creation) and after (null for a deletion). */
  before: object | null;
  after: object | null;
}

export interface AuditFilter extends TimeRange {
  targetType?: string;
  targetId?: string;
  actor?: string;
  /** Keyset: only entries with a smaller id. */
  beforeId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pass the change's own transaction: the change and its audit entry commit together. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager) {
    const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
    await manager.query(
      `INSERT INTO audit_log (actor, action, target_type, target_id, before, after)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [
        entry.actor.id,
        entry.action,
        entry.targetType,
        entry.targetId,
        json(entry.before),
        json(entry.after),
      ],
    );
  }

  /** Newest first; `limit + 1` rows so the caller can tell whether a next page exists. */
  list(filter: AuditFilter): Promise<AuditEntryEntity[]> {
    const query = this.dataSource
      .getRepository(AuditEntryEntity)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.targetType) query.andWhere('a.target_type = :targetType', filter);
    if (filter.targetId) query.andWhere('a.target_id = :targetId', filter);
    if (filter.actor) query.andWhere('a.actor = :actor', filter);
    if (filter.from) query.andWhere('a.at >= :from', filter);
    if (filter.to) query.andWhere('a.at < :to', filter);
    if (filter.beforeId) query.andWhere('a.id < :beforeId', filter);
    return query.getMany();
  }
}

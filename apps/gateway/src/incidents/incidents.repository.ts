import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Incident, IncidentStatus, Severity } from '@app/contracts';
import { DeliveryEntity, EventEntity, IncidentEntity } from '@app/database';
import type { TimeRange } from '../common/time-range';

export interface IncidentFilter extends TimeRange {
  status?: IncidentStatus;
  severity?: Severity;
  ruleId?: string;
  before?: { openedAt: Date; id: string };
  limit: number;
}

@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOneBy({ id });
  }

  /** The row locked until the transaction ends: two actions on one incident take turns. */
  findForUpdate(manager: EntityManager, id: string): Promise<IncidentEntity | null> {
    return manager
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :id', { id })
      .getOne();
  }

  async saveTransition(manager: EntityManager, incident: Incident, at: Date): Promise<void> {
    await manager.getRepository(IncidentEntity).update(
      { id: incident.id },
      {
        status: incident.status,
        acknowledgedAt: incident.acknowledgedAt ? new Date(incident.acknowledgedAt) : null,
        acknowledgedBy: incident.acknowledgedBy,
        resolvedAt: incident.resolvedAt ? new Date(incident.resolvedAt) : null,
        resolvedBy: incident.resolvedBy,
        updatedAt: at,
      },
    );
  }

  /** Newest first by (opened_at, id); limit + 1 rows. */
  list(filter: IncidentFilter): Promise<IncidentEntity[]> {
    const query = this.dataSource
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .orderBy('i.opened_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.status) query.andWhere('i.status = :status', { status: filter.status });
    if (filter.severity) query.andWhere('i.severity = :severity', { severity: filter.severity });
    if (filter.ruleId) query.andWhere('i.rule_id = :ruleId', { ruleId: filter.ruleId });
    if (filter.from) query.andWhere('i.opened_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('i.opened_at < :to', { to: filter.to });
    if (filter.before) {
      query.andWhere('(i.opened_at, i.id) < (:beforeAt, :beforeId)', {
        beforeAt: filter.before.openedAt,
        beforeId: filter.before.id,
      });
    }
    return query.getMany();
  }

  eventsByIds(ids: string[]): Promise<EventEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(EventEntity)
      .find({ where: { id: In(ids) }, order: { occurredAt: 'DESC' } });
  }

  deliveriesOf(incidentId: string): Promise<DeliveryEntity[]> {
    return this.dataSource
      .getRepository(DeliveryEntity)
      .find({ where: { incidentId }, order: { at: 'ASC' }, take: 1000 });
  }
}

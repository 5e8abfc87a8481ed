import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Severity } from '@app/contracts';
import { EventEntity } from '@app/database';
import type { TimeRange } from '../common/time-range';

export interface EventFilter extends TimeRange {
  type?: string;
  source?: string;
  severity?: Severity;
  /** Keyset: events strictly older than this (occurredAt, id). */
  before?: { occurredAt: Date; id: string };
  limit: number;
}

@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The event with this id. The key is (id, occurred_at), so an id reused at another time is
   * another event: the latest one answers. One probe of the key's index per day partition.
   */
  findById(id: string): Promise<EventEntity | null> {
    return this.dataSource
      .getRepository(EventEntity)
      .findOne({ where: { id }, order: { occurredAt: 'DESC' } });
  }

  /** Newest first by (occurred_at, id), the order of `events_occurred_at_idx`; limit + 1 rows. */
  list(filter: EventFilter): Promise<EventEntity[]> {
    const query = this.dataSource
      .getRepository(EventEntity)
      .createQueryBuilder('e')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.type) query.andWhere('e.type = :type', { type: filter.type });
    if (filter.source) query.andWhere('e.source = :source', { source: filter.source });
    if (filter.severity) query.andWhere('e.severity = :severity', { severity: filter.severity });
    if (filter.from) query.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.occurred_at < :to', { to: filter.to });
    if (filter.before) {
      // The bare bound lets the planner leave out the day partitions after the cursor's; the
      // row comparison alone would not.
      query.andWhere('e.occurred_at <= :beforeAt', { beforeAt: filter.before.occurredAt });
      query.andWhere('(e.occurred_at, e.id) < (:beforeAt, :beforeId)', {
        beforeAt: filter.before.occurredAt,
        beforeId: filter.before.id,
      });
    }
    return query.getMany();
  }
}

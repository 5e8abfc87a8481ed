import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Severity } from '@app/contracts';
import { EventEntity } from '@app/database';
import type { TimeRange } from '../common/time-range';
import { EventPartitions } from './event-partitions';
import { newestFirstWindows, TimeWindow } from './newest-first-windows';

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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partitions: EventPartitions,
  ) {}

  /**
   * The event with this id. The key is (id, occurred_at), so an id reused at another time is
   * another event: the latest one answers. One probe of the key's index per day partition.
   */
  findById(id: string): Promise<EventEntity | null> {
    return this.dataSource
      .getRepository(EventEntity)
      .findOne({ where: { id }, order: { occurredAt: 'DESC' } });
  }

  /**
   * Newest first by (occurred_at, id), the order of `events_occurred_at_idx`; limit + 1 rows.
   * Read window by window, newest first, until the page is full (`newestFirstWindows` says why).
   */
  async list(filter: EventFilter): Promise<EventEntity[]> {
    const wanted = filter.limit + 1;
    const rows: EventEntity[] = [];
    const windows = newestFirstWindows({
      newest: newestPossible(filter, Date.now()),
      oldest: filter.from?.getTime(),
      oldestPartitionDay: await this.partitions.oldestDay(),
    });
    for (const window of windows) {
      rows.push(...(await this.listWithin(filter, window, wanted - rows.length)));
      if (rows.length >= wanted) break;
    }
    return rows;
  }

  private listWithin(
    filter: EventFilter,
    window: TimeWindow,
    limit: number,
  ): Promise<EventEntity[]> {
    const query = this.dataSource
      .getRepository(EventEntity)
      .createQueryBuilder('e')
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit);
    if (filter.type) query.andWhere('e.type = :type', { type: filter.type });
    if (filter.source) query.andWhere('e.source = :source', { source: filter.source });
    if (filter.severity) query.andWhere('e.severity = :severity', { severity: filter.severity });
    if (filter.from) query.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.occurred_at < :to', { to: filter.to });
    // Bounds as values, not expressions: the planner leaves out the other days' partitions.
    if (window.from !== undefined) {
      query.andWhere('e.occurred_at >= :windowFrom', { windowFrom: new Date(window.from) });
    }
    if (window.to !== undefined) {
      query.andWhere('e.occurred_at < :windowTo', { windowTo: new Date(window.to) });
    }
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

/**
 * An instant at or after the newest row the filter admits: now, unless `to` or the keyset
 * cursor ends the listing earlier (the first window starts on that instant's day; rows after
 * now are in it too).
 */
function newestPossible(filter: EventFilter, now: number): number {
  let newest = now;
  if (filter.to) newest = Math.min(newest, filter.to.getTime() - 1);
  if (filter.before) newest = Math.min(newest, filter.before.occurredAt.getTime());
  return newest;
}

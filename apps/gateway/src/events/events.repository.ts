import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Severity } from '@app/contracts';
import { EventEntity, GenericPlanStatements } from '@app/database';
import type { EventDto } from './events.dto';
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
    private readonly statements: GenericPlanStatements,
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
   * Read window by window, newest first, until the page is full (`newestFirstWindows` says why),
   * each window with a plan made once per connection (`GenericPlanStatements` says why).
   */
  async list(filter: EventFilter): Promise<EventDto[]> {
    const wanted = filter.limit + 1;
    const rows: EventDto[] = [];
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

  /** The filter's rows within one window, newest first: one generic-plan statement. */
  private listWithin(filter: EventFilter, window: TimeWindow, limit: number): Promise<EventDto[]> {
    const values: unknown[] = [];
    const bind = (value: unknown): string => `$${values.push(value)}`;
    const conditions: string[] = [];
    if (filter.type) conditions.push(`type = ${bind(filter.type)}`);
    if (filter.source) conditions.push(`source = ${bind(filter.source)}`);
    if (filter.severity) conditions.push(`severity = ${bind(filter.severity)}`);
    if (filter.from) conditions.push(`occurred_at >= ${bind(filter.from)}`);
    if (filter.to) conditions.push(`occurred_at < ${bind(filter.to)}`);
    if (window.from !== undefined) conditions.push(`occurred_at >= ${bind(new Date(window.from))}`);
    if (window.to !== undefined) conditions.push(`occurred_at < ${bind(new Date(window.to))}`);
    if (filter.before) {
      const at = bind(filter.before.occurredAt);
      // The bare bound lets execution leave out the day partitions after the cursor's; the
      // row comparison alone would not.
      conditions.push(
        `occurred_at <= ${at}`,
        `(occurred_at, id) < (${at}, ${bind(filter.before.id)})`,
      );
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    return this.statements.query<EventDto>(
      `SELECT ${LISTED_COLUMNS} FROM events ${where}
        ORDER BY occurred_at DESC, id DESC LIMIT ${bind(limit)}`,
      values,
    );
  }
}

/**
 * The columns of `events` the API shows, named as EventDto names them, the times already as
 * the API writes them (toISOString's form, in UTC to the millisecond). Parsing each timestamp
 * into a Date and writing it out again cost the gateway a tenth of its CPU on a 50-event page.
 */
const LISTED_COLUMNS = [
  'id',
  'type',
  'source',
  'severity',
  `${isoUtc('occurred_at')} AS "occurredAt"`,
  `${isoUtc('received_at')} AS "receivedAt"`,
  'value',
  'payload',
].join(', ');

/** A timestamptz column as toISOString writes an instant (years 0 to 9999). */
function isoUtc(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
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

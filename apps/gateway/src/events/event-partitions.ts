import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  daysOfPartitions,
  EVENTS_PARTITIONS_SQL,
  EventsPartitionsRow,
  UtcDay,
} from '@app/database';

/** Partitions change once a day (the consumer's retention pass): a minute-old answer will do. */
const FRESH_FOR_MS = 60_000;

/**
 * The first day that has a partition of `events`, read from the catalog at most once a minute
 * per gateway (concurrent requests share one read). Listings use it only to decide when to stop
 * reading day by day (see `newestFirstWindows`), so a stale value costs queries, never rows.
 */
@Injectable()
export class EventPartitions {
  private cached?: { day: Promise<UtcDay | undefined>; readAt: number };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  oldestDay(now = Date.now()): Promise<UtcDay | undefined> {
    if (!this.cached || now - this.cached.readAt >= FRESH_FOR_MS) {
      const day = this.read();
      this.cached = { day, readAt: now };
      // A failed read is not kept: the next listing asks the catalog again.
      day.catch(() => (this.cached = undefined));
    }
    return this.cached.day;
  }

  private async read(): Promise<UtcDay | undefined> {
    const rows: EventsPartitionsRow[] = await this.dataSource.query(EVENTS_PARTITIONS_SQL);
    const days = daysOfPartitions(rows[0]) ?? [];
    return days.length === 0 ? undefined : Math.min(...days);
  }
}

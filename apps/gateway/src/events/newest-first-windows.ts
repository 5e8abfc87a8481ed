import { addDays, dayOf, UtcDay } from '@app/database';

/** [from, to) in epoch ms; an absent side is open. */
export interface TimeWindow {
  from?: number;
  to?: number;
}

export interface ListingBounds {
  /** Now, or any instant at or after the newest row the listing may return. */
  newest: number;
  /** The listing's own lower bound (`from`), if any: no window starts below the one holding it. */
  oldest?: number;
  /** The first day that has a partition of `events`; undefined when none has. */
  oldestPartitionDay?: UtcDay;
}

/**
 * The time windows a newest-first event listing reads one after the other, until it has its
 * page: they are disjoint, newest first, and together cover all time (within `oldest`), so
 * concatenating what each returns in (occurred_at, id) order is the listing itself.
 *
 * Why not one query: `events` has a partition per day plus a DEFAULT one, and a query over all
 * of them plans every partition and merges one index scan per partition (the DEFAULT one
 * forbids PostgreSQL's ordered scan of range partitions), which made an unbounded first page
 * about twice as expensive as on a single table. A window of a few days plans and reads only
 * its days, and the first one, from the start of the newest day up, usually fills a page.
 *
 * The first window is open above (rows from the start of the newest day on, the DEFAULT
 * partition's far-future ones included); the next ones are 1, 2, 4, 8... days long, each ending
 * where the previous began; once a window would reach the first partitioned day, the last one
 * is open below, so the DEFAULT partition's old rows are read too. The windows only decide
 * which partitions each query plans: the answer does not depend on which partitions exist, so a
 * stale `oldestPartitionDay` costs queries, never rows.
 */
export function* newestFirstWindows(bounds: ListingBounds): Generator<TimeWindow> {
  const { newest, oldest, oldestPartitionDay } = bounds;
  let edge: UtcDay = dayOf(newest);
  yield { from: edge };
  for (let days = 1; ; days *= 2) {
    if (oldest !== undefined && oldest >= edge) return;
    const from = addDays(edge, -days);
    if (oldestPartitionDay === undefined || from <= oldestPartitionDay) {
      yield { to: edge };
      return;
    }
    yield { from, to: edge };
    edge = from;
  }
}

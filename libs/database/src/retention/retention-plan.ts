import { addDays, dayOf, UtcDay } from './utc-days';

/** How long each kind of data is kept, in days; 0 keeps it for ever. */
export interface RetentionSettings {
  /** Events, and the per-minute rollups and counts derived from them. */
  eventsRetentionDays: number;
  /** Day partitions made ahead of today, so that a new day's events never wait for one. */
  partitionsAheadDays: number;
  /** Hour and day counts of `event_counts`. */
  countsRetentionDays: number;
  /** Resolved incidents, counted from their resolution, with their deliveries. */
  incidentsRetentionDays: number;
  /** Delivery records, whatever their incident. */
  deliveriesRetentionDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  eventsRetentionDays: 30,
  partitionsAheadDays: 7,
  countsRetentionDays: 400,
  incidentsRetentionDays: 400,
  deliveriesRetentionDays: 90,
};

/**
 * The start of the UTC day `days` before now's: what is older has expired. Always a day
 * boundary, so that whole partitions and whole hour, day and minute buckets expire together,
 * and data is kept between `days` and `days + 1` days. Undefined for 0: kept for ever.
 */
export function cutoff(now: number, days: number): UtcDay | undefined {
  return days === 0 ? undefined : addDays(dayOf(now), -days);
}

/** The cutoff of each kind of data; undefined where it is kept for ever. */
export interface RetentionCutoffs {
  events?: UtcDay;
  counts?: UtcDay;
  incidents?: UtcDay;
  deliveries?: UtcDay;
}

export function retentionCutoffs(now: number, settings: RetentionSettings): RetentionCutoffs {
  return {
    events: cutoff(now, settings.eventsRetentionDays),
    counts: cutoff(now, settings.countsRetentionDays),
    incidents: cutoff(now, settings.incidentsRetentionDays),
    deliveries: cutoff(now, settings.deliveriesRetentionDays),
  };
}

/** Day partitions to make and to drop, each list in day order. */
export interface PartitionPlan {
  create: UtcDay[];
  drop: UtcDay[];
}

/**
 * What a pass does to the day partitions of `events` at `now`:
 * - makes yesterday's (an event may arrive late), today's and `partitionsAheadDays` more;
 * - makes one for every day within the kept window (cutoff .. the last day made ahead) whose
 *   rows sit in the DEFAULT partition (`daysInDefault`): a backlog read after the consumer was
 *   down longer than the days made ahead, or rows of the far future whose day has come near.
 *   So after a pass the DEFAULT partition holds only what lies outside that window;
 * - drops every partition that ends at or before the events cutoff.
 */
export function planPartitions(
  now: number,
  settings: RetentionSettings,
  existing: readonly UtcDay[],
  daysInDefault: readonly UtcDay[],
): PartitionPlan {
  const keepFrom = cutoff(now, settings.eventsRetentionDays) ?? Number.NEGATIVE_INFINITY;
  const today = dayOf(now);
  const lastDay = addDays(today, settings.partitionsAheadDays);
  const wanted = new Set<UtcDay>();
  for (let day = addDays(today, -1); day <= lastDay; day = addDays(day, 1)) wanted.add(day);
  for (const day of daysInDefault) if (day >= keepFrom && day <= lastDay) wanted.add(day);
  const have = new Set(existing);
  const ascending = (days: Iterable<UtcDay>) => [...days].sort((a, b) => a - b);
  return {
    create: ascending([...wanted].filter((day) => day >= keepFrom && !have.has(day))),
    drop: ascending(existing.filter((day) => addDays(day, 1) <= keepFrom)),
  };
}

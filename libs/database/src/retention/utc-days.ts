/** A UTC day as the epoch milliseconds of its start (midnight UTC). */
export type UtcDay = number;

export const DAY_MS = 86_400_000;

/** The UTC day holding `time` (epoch ms). */
export function dayOf(time: number): UtcDay {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

export function addDays(day: UtcDay, days: number): UtcDay {
  return day + days * DAY_MS;
}

/** `2026-12-05`: the day's date in UTC. */
export function isoDate(day: UtcDay): string {
  return new Date(day).toISOString().slice(0, 10);
}

const PARTITION_PREFIX = 'events_p';
const PARTITION_NAME = /^events_p(\d{4})(\d{2})(\d{2})$/;

/** `events_p20261205`: the events partition of one UTC day. */
export function partitionName(day: UtcDay): string {
  return `${PARTITION_PREFIX}${isoDate(day).replace(/-/g, '')}`;
}

/**
 * The day of a partition named by `partitionName`, or undefined for any other name (the
 * DEFAULT partition, or a table someone attached by hand: retention never touches those).
 */
export function dayOfPartition(name: string): UtcDay | undefined {
  const match = PARTITION_NAME.exec(name);
  if (!match) return undefined;
  const [year, month, date] = match.slice(1).map(Number);
  const day = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 20261232 over into January: such a name is not one of ours.
  return partitionName(day) === name ? day : undefined;
}

import { HOST_METRIC_NAMES, HostMetricEventType } from '@app/contracts';
import { HostReadingsDto, LiveHostDto, ReadingDto } from './host-metrics.dto';

/** The newest stored reading of one host, metric and (for the disk) mount. */
export interface LatestReadingRow {
  source: string;
  type: HostMetricEventType;
  mount: string | null;
  value: number;
  occurredAt: Date;
}

/** Key of a disk reading whose event named no mount. */
export const UNKNOWN_MOUNT = '(unknown)';

/** Rows (ordered by source) as one entry per host, its metrics by short name. */
export function liveHosts(rows: readonly LatestReadingRow[]): LiveHostDto[] {
  const hosts = new Map<string, { readings: HostReadingsDto; disks: Map<string, ReadingDto> }>();
  for (const row of rows) {
    let host = hosts.get(row.source);
    if (!host) {
      host = { readings: {}, disks: new Map() };
      hosts.set(row.source, host);
    }
    const reading = { value: row.value, at: row.occurredAt.toISOString() };
    const name = HOST_METRIC_NAMES[row.type];
    // Mounts come from payloads: a Map keeps a mount named `__proto__` an ordinary key.
    if (name === 'disk_percent') host.disks.set(row.mount ?? UNKNOWN_MOUNT, reading);
    else host.readings[name] = reading;
  }
  return [...hosts].map(([host, { readings, disks }]) => ({
    host,
    metrics: disks.size > 0 ? { ...readings, disk_percent: Object.fromEntries(disks) } : readings,
  }));
}

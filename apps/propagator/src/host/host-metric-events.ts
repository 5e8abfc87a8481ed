import { randomUUID } from 'node:crypto';
import {
  EventV1,
  HOST_DISK_MOUNT_FIELD,
  HostMetricType,
  MAX_SOURCE_LENGTH,
  Severity,
} from '@app/contracts';
import { OutgoingEvent } from '../publishing/outgoing-event';
import { HostSample } from './host-metrics.sampler';

/** Percent of a resource in use: the usual dashboard bands. */
export function percentSeverity(percent: number): Severity {
  if (percent >= 95) return 'critical';
  if (percent > 90) return 'high';
  if (percent >= 75) return 'medium';
  return 'low';
}

/** Load average judged per core: a load equal to the core count is a saturated host. */
export function loadSeverity(load: number, cores: number): Severity {
  const perCore = load / Math.max(1, cores);
  if (perCore >= 2) return 'critical';
  if (perCore >= 1.5) return 'high';
  if (perCore >= 1) return 'medium';
  return 'low';
}

/** The host's name as events carry it in `source` (and the gauges in their `host` label). */
export function hostSource(sample: HostSample): string {
  return sample.hostname.slice(0, MAX_SOURCE_LENGTH) || 'localhost';
}

/** One metric event per reading, keyed and sourced by the host name. */
export function hostMetricEvents(
  sample: HostSample,
  diskPath: string,
  now: Date = new Date(),
): OutgoingEvent[] {
  const source = hostSource(sample);
  const occurredAt = now.toISOString();
  const events: OutgoingEvent[] = [];
  const add = (
    type: string,
    value: number | undefined,
    severity: (value: number) => Severity,
    payload: Record<string, unknown>,
  ) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const rounded = Math.round(value * 100) / 100;
    const event: EventV1 = {
      id: randomUUID(),
      type,
      source,
      severity: severity(rounded),
      occurredAt,
      value: rounded,
      payload,
    };
    events.push({ type, key: source, value: JSON.stringify(event) });
  };

  add(HostMetricType.Cpu, sample.cpuPercent, percentSeverity, {
    unit: 'percent',
    cores: sample.cores,
  });
  add(HostMetricType.Memory, sample.memoryUsedPercent, percentSeverity, { unit: 'percent' });
  add(HostMetricType.Disk, sample.diskUsedPercent, percentSeverity, {
    unit: 'percent',
    [HOST_DISK_MOUNT_FIELD]: diskPath,
  });
  const byLoad = (load: number) => loadSeverity(load, sample.cores);
  add(HostMetricType.Load1, sample.load['1m'], byLoad, { cores: sample.cores });
  add(HostMetricType.Load5, sample.load['5m'], byLoad, { cores: sample.cores });
  add(HostMetricType.Load15, sample.load['15m'], byLoad, { cores: sample.cores });
  return events;
}

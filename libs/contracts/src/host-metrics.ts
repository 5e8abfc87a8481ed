/** Event types the propagator publishes for its host's readings, one event per reading. */
export const HostMetricType = {
  Cpu: 'host.cpu.usage',
  Memory: 'host.memory.used_percent',
  Disk: 'host.disk.used_percent',
  Load1: 'host.load.1m',
  Load5: 'host.load.5m',
  Load15: 'host.load.15m',
} as const;
export type HostMetricEventType = (typeof HostMetricType)[keyof typeof HostMetricType];

/**
 * The short name of each reading, as the live metrics API answers it and the propagator's
 * Prometheus gauges are named (`eventmon_host_<name>`): one list, so the two cannot drift.
 */
export const HOST_METRIC_NAMES = {
  [HostMetricType.Cpu]: 'cpu_percent',
  [HostMetricType.Memory]: 'memory_percent',
  [HostMetricType.Disk]: 'disk_percent',
  [HostMetricType.Load1]: 'load1',
  [HostMetricType.Load5]: 'load5',
  [HostMetricType.Load15]: 'load15',
} as const satisfies Record<HostMetricEventType, string>;
export type HostMetricName = (typeof HOST_METRIC_NAMES)[HostMetricEventType];

/** The disk event's payload field that names the mount it measured. */
export const HOST_DISK_MOUNT_FIELD = 'path';

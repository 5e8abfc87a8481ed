import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { HostMetricName } from '@app/contracts';
import { METRICS_REGISTRY } from '@app/observability';
import { hostSource } from '../host/host-metric-events';
import { HostSample } from '../host/host-metrics.sampler';

const HELP: Record<HostMetricName, string> = {
  cpu_percent: 'CPU in use over the last sampling interval, percent of all cores',
  memory_percent: 'Memory in use, percent of the total',
  disk_percent: 'Disk space in use at the mount, percent of what an unprivileged user can have',
  load1: 'Load average over 1 minute',
  load5: 'Load average over 5 minutes',
  load15: 'Load average over 15 minutes',
};

/**
 * The propagator host's latest readings as gauges on `/metrics`, for a Prometheus that scrapes
 * the host directly rather than reading the events. Set on every sample, before publishing, so a
 * broker outage does not freeze them.
 */
@Injectable()
export class HostMetricsGauges {
  private readonly gauges: Record<HostMetricName, Gauge<'host' | 'mount'>>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const gauge = (name: HostMetricName, labelNames: ('host' | 'mount')[]) =>
      new Gauge({
        name: `eventmon_host_${name}`,
        help: HELP[name],
        labelNames,
        registers: [registry],
      });
    this.gauges = {
      cpu_percent: gauge('cpu_percent', ['host']),
      memory_percent: gauge('memory_percent', ['host']),
      disk_percent: gauge('disk_percent', ['host', 'mount']),
      load1: gauge('load1', ['host']),
      load5: gauge('load5', ['host']),
      load15: gauge('load15', ['host']),
    };
  }

  /** A reading the sample lacks (CPU on a too-short interval) leaves the previous value. */
  record(sample: HostSample, diskPath: string): void {
    const host = hostSource(sample);
    const set = (name: HostMetricName, value: number | undefined, mount?: string) => {
      if (value === undefined || !Number.isFinite(value)) return;
      this.gauges[name].set(mount === undefined ? { host } : { host, mount }, value);
    };
    set('cpu_percent', sample.cpuPercent);
    set('memory_percent', sample.memoryUsedPercent);
    set('disk_percent', sample.diskUsedPercent, diskPath);
    set('load1', sample.load['1m']);
    set('load5', sample.load['5m']);
    set('load15', sample.load['15m']);
  }
}

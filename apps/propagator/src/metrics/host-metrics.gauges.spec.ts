import { Registry } from 'prom-client';
import { HostSample } from '../host/host-metrics.sampler';
import { HostMetricsGauges } from './host-metrics.gauges';

const sample: HostSample = {
  hostname: 'web-1',
  cores: 4,
  cpuPercent: 93.5,
  memoryUsedPercent: 40.25,
  diskUsedPercent: 71,
  load: { '1m': 8.5, '5m': 4, '15m': 1 },
};

/** The exposition lines of the host gauges, as Prometheus scrapes them. */
async function hostLines(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('eventmon_host_'));
}

describe('HostMetricsGauges', () => {
  it('exposes every reading of a sample, labelled by host (and mount for the disk)', async () => {
    const registry = new Registry();
    new HostMetricsGauges(registry).record(sample, '/data');
    expect((await hostLines(registry)).sort()).toEqual(
      [
        'eventmon_host_cpu_percent{host="web-1"} 93.5',
        'eventmon_host_memory_percent{host="web-1"} 40.25',
        'eventmon_host_disk_percent{host="web-1",mount="/data"} 71',
        'eventmon_host_load1{host="web-1"} 8.5',
        'eventmon_host_load5{host="web-1"} 4',
        'eventmon_host_load15{host="web-1"} 1',
      ].sort(),
    );
  });

  it('moves to the next sample, and keeps the last CPU reading when a sample has none', async () => {
    const registry = new Registry();
    const gauges = new HostMetricsGauges(registry);
    gauges.record(sample, '/');
    gauges.record(
      {
        ...sample,
        cpuPercent: undefined,
        memoryUsedPercent: 55,
        load: { '1m': 2, '5m': 3, '15m': 4 },
      },
      '/',
    );
    const lines = await hostLines(registry);
    expect(lines).toContain('eventmon_host_cpu_percent{host="web-1"} 93.5');
    expect(lines).toContain('eventmon_host_memory_percent{host="web-1"} 55');
    expect(lines).toContain('eventmon_host_load1{host="web-1"} 2');
    expect(lines).toContain('eventmon_host_load15{host="web-1"} 4');
  });
});

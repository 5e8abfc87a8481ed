import type { CpuInfo } from 'node:os';
import { HostMetricsSampler } from './host-metrics.sampler';
import { HostProbe, systemProbe } from './host-probe';

const cpu = (busy: number, idle: number): CpuInfo => ({
  model: 'test',
  speed: 1,
  times: { user: busy, nice: 0, sys: 0, idle, irq: 0 },
});

function fakeProbe(snapshots: CpuInfo[][]): HostProbe {
  let call = 0;
  return {
    hostname: () => 'web-1',
    cpus: () => snapshots[Math.min(call++, snapshots.length - 1)],
    totalmem: () => 8 * 1024 ** 3,
    freemem: () => 2 * 1024 ** 3,
    loadavg: () => [1.5, 1, 0.5],
    statfs: () => Promise.resolve({ blocks: 1000, bfree: 300, bavail: 250 }),
  };
}

describe('HostMetricsSampler', () => {
  it('measures CPU from the snapshot taken at construction to the sample', async () => {
    const sampler = new HostMetricsSampler(
      fakeProbe([
        [cpu(100, 900), cpu(100, 900)],
        [cpu(190, 910), cpu(110, 990)], // 100 busy of 200 on two cores = 50 %
        [cpu(190, 1010), cpu(110, 1090)], // idle since: 0 %
      ]),
      '/',
    );
    const first = await sampler.sample();
    expect(first).toEqual({
      hostname: 'web-1',
      cores: 2,
      cpuPercent: 50,
      memoryUsedPercent: 75,
      // df: used 700 of (700 used + 250 available)
      diskUsedPercent: (700 / 950) * 100,
      load: { '1m': 1.5, '5m': 1, '15m': 0.5 },
    });
    expect((await sampler.sample()).cpuPercent).toBe(0);
  });

  it('reads plausible values from this machine', async () => {
    const sampler = new HostMetricsSampler(systemProbe, '/');
    // Burn a little CPU so the two snapshots are certain to differ.
    const until = Date.now() + 50;
    while (Date.now() < until) Math.sqrt(Math.random());
    const sample = await sampler.sample();
    expect(sample.hostname.length).toBeGreaterThan(0);
    expect(sample.cores).toBeGreaterThanOrEqual(1);
    expect(sample.cpuPercent).toBeGreaterThan(0);
    expect(sample.cpuPercent).toBeLessThanOrEqual(100);
    expect(sample.memoryUsedPercent).toBeGreaterThan(0);
    expect(sample.memoryUsedPercent).toBeLessThan(100);
    expect(sample.diskUsedPercent).toBeGreaterThanOrEqual(0);
    expect(sample.diskUsedPercent).toBeLessThanOrEqual(100);
    for (const load of Object.values(sample.load)) {
      expect(load).toBeGreaterThanOrEqual(0);
      expect(load).toBeLessThan(1000);
    }
  });

  it('fails the sample when the disk path cannot be read', async () => {
    const sampler = new HostMetricsSampler(systemProbe, '/no/such/path');
    await expect(sampler.sample()).rejects.toThrow(/ENOENT/);
  });
});

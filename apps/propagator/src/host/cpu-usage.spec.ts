import type { CpuInfo } from 'node:os';
import { cpuTotals, cpuUsagePercent } from './cpu-usage';

function cpu(user: number, sys: number, idle: number, nice = 0, irq = 0): CpuInfo {
  return { model: 'test', speed: 2000, times: { user, nice, sys, idle, irq } };
}

describe('cpuUsagePercent', () => {
  it('measures the busy share of the time between two snapshots, over all cores', () => {
    const before = [cpu(1000, 500, 8500), cpu(2000, 0, 8000)];
    // core 0: 300 busy of 400; core 1: 100 busy of 400 -> 400 of 800 = 50 %
    const after = [cpu(1200, 600, 8600), cpu(2100, 0, 8300)];
    expect(cpuUsagePercent(before, after)).toBe(50);
  });

  it('counts nice and irq time as busy', () => {
    const before = [cpu(0, 0, 0, 0, 0)];
    const after = [cpu(10, 10, 60, 10, 10)];
    expect(cpuUsagePercent(before, after)).toBe(40);
  });

  it('ignores the time since boot: a busy past does not make an idle interval busy', () => {
    const before = [cpu(1_000_000, 0, 1000)];
    const after = [cpu(1_000_000, 0, 2000)];
    expect(cpuUsagePercent(before, after)).toBe(0);
  });

  it('is undefined when no time passed', () => {
    const same = [cpu(5, 5, 5)];
    expect(cpuUsagePercent(same, same)).toBeUndefined();
  });

  it('sums busy and total time', () => {
    expect(cpuTotals([cpu(1, 2, 3, 4, 5), cpu(1, 1, 1)])).toEqual({ busy: 14, total: 18 });
  });
});

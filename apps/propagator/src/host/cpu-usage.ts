import type { CpuInfo } from 'node:os';

/** Busy and total CPU milliseconds since boot, summed over every core. */
export function cpuTotals(cpus: readonly CpuInfo[]): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/**
 * CPU usage between two `os.cpus()` snapshots, in percent of all cores. The counters are
 * cumulative since boot, so one snapshot alone only gives the average since boot; the
 * difference gives the usage over the sampling interval. Undefined when no time passed.
 */
export function cpuUsagePercent(
  previous: readonly CpuInfo[],
  current: readonly CpuInfo[],
): number | undefined {
  const before = cpuTotals(previous);
  const after = cpuTotals(current);
  const total = after.total - before.total;
  if (!(total > 0)) return undefined;
  const busy = after.busy - before.busy;
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

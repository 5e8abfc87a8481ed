import type { CpuInfo } from 'node:os';
import { cpuUsagePercent } from './cpu-usage';
import { HostProbe } from './host-probe';

export interface HostSample {
  hostname: string;
  cores: number;
  /** Undefined on the rare sample where no CPU time passed since the previous one. */
  cpuPercent: number | undefined;
  memoryUsedPercent: number;
  /** Used share of the space an unprivileged user can have, as `df` reports it. */
  diskUsedPercent: number | undefined;
  load: { '1m': number; '5m': number; '15m': number };
}

/** Reads this host's CPU, memory, disk and load; CPU is measured between two samples. */
export class HostMetricsSampler {
  private previousCpus: CpuInfo[];

  constructor(
    private readonly probe: HostProbe,
    private readonly diskPath: string,
  ) {
    // Primed here so the first sample covers the first interval, not the time since boot.
    this.previousCpus = probe.cpus();
  }

  async sample(): Promise<HostSample> {
    const cpus = this.probe.cpus();
    const cpuPercent = cpuUsagePercent(this.previousCpus, cpus);
    this.previousCpus = cpus;
    const total = this.probe.totalmem();
    const [load1, load5, load15] = this.probe.loadavg();
    return {
      hostname: this.probe.hostname(),
      cores: cpus.length,
      cpuPercent,
      memoryUsedPercent: total > 0 ? ((total - this.probe.freemem()) / total) * 100 : 0,
      diskUsedPercent: await this.diskUsedPercent(),
      load: { '1m': load1, '5m': load5, '15m': load15 },
    };
  }

  private async diskUsedPercent(): Promise<number | undefined> {
    const { blocks, bfree, bavail } = await this.probe.statfs(this.diskPath);
    const used = blocks - bfree;
    // df's formula: the root-reserved blocks count as neither used nor available.
    const usable = used + bavail;
    return usable > 0 ? (used / usable) * 100 : undefined;
  }
}

import { statfsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import { ConfigError } from '@app/config';

/** The operating-system calls host metrics are read from; fabricated in tests. */
export interface HostProbe {
  hostname(): string;
  cpus(): os.CpuInfo[];
  totalmem(): number;
  freemem(): number;
  loadavg(): number[];
  statfs(path: string): Promise<{ blocks: number; bfree: number; bavail: number }>;
}

export const systemProbe: HostProbe = {
  hostname: () => os.hostname(),
  cpus: () => os.cpus(),
  totalmem: () => os.totalmem(),
  // On Linux libuv reads MemAvailable, so page cache does not count as used.
  freemem: () => os.freemem(),
  loadavg: () => os.loadavg(),
  statfs: (path) => fs.statfs(path),
};

/** A disk path that cannot be measured is a configuration error: say so at start-up. */
export function checkDiskPath(path: string): void {
  try {
    statfsSync(path);
  } catch (error) {
    throw new ConfigError(
      [`diskPath "${path}": cannot read its disk usage: ${(error as Error).message}`],
      'PropagatorConfig',
    );
  }
}

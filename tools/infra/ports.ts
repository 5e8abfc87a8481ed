/** Loopback TCP ports: finding a free one, and telling who holds a taken one. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { readCmdline } from './processes';
import { readIfExists } from './text-files';

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether something already listens on 127.0.0.1:`port` (or may not be displaced from it). */
export function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(false));
    });
  });
}

/** Best effort (Linux /proc): "pid 123 (java ... kafka.Kafka ...)" for the listener on a port. */
export function describePortOwner(port: number): string {
  try {
    const inodes = listeningSocketInodes(port);
    if (inodes.size > 0) {
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        if (!holdsSocket(entry, inodes)) continue;
        const cmd = readCmdline(Number(entry)) ?? '?';
        const what = cmd.includes('kafka.Kafka') ? 'a Kafka broker: ' : '';
        return `pid ${entry} (${what}${cmd.length > 300 ? `${cmd.slice(0, 300)}...` : cmd})`;
      }
    }
  } catch {
    // not Linux, or /proc not readable
  }
  return 'another process (find it with `ss -ltnp` or `lsof -i :' + port + '`)';
}

/** Inodes of the sockets listening on `port`, from the kernel's TCP tables. */
function listeningSocketInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (readIfExists(table) ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
      const localPort = Number.parseInt(cols[1].split(':').pop() ?? '', 16);
      if (localPort === port) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** Whether process `pid` has one of the socket `inodes` among its open files. */
function holdsSocket(pid: string, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1])) return true;
  }
  return false;
}

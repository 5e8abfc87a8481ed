import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import {
  cpuSplitLines,
  listeningInodes,
  listeningPid,
  localPort,
  parseProcStat,
  ProcStat,
  treeTicks,
} from './process-cpu';

/** A /proc/<pid>/stat line: utime 11, stime 12, cutime 13, cstime 14 fields after the name. */
const statLine = (pid: number, name: string, ppid: number, times: number[]) =>
  `${pid} (${name}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${times.join(' ')} 20 0 1 0 500 1000 50`;

describe('parseProcStat', () => {
  it('reads pid, ppid and the CPU fields past a name holding spaces and parentheses', () => {
    const stat = parseProcStat(statLine(4242, 'postgres: (checkpointer) x', 17, [120, 30, 7, 3]));
    expect(stat).toEqual({
      pid: 4242,
      ppid: 17,
      comm: 'postgres: (checkpointer) x',
      ownTicks: 150,
      reapedChildrenTicks: 10,
    });
  });

  it('reads this process from /proc', () => {
    const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(stat.pid).toBe(process.pid);
    expect(stat.ppid).toBe(process.ppid);
    expect(stat.comm).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
    expect(stat.ownTicks).toBeGreaterThanOrEqual(0);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('no parentheses here')).toThrow(/not a \/proc/);
  });
});

describe('treeTicks', () => {
  const stats = new Map<number, ProcStat>(
    [
      { pid: 10, ppid: 1, comm: 'postgres', ownTicks: 100, reapedChildrenTicks: 40 }, // postmaster; reaped backends
      { pid: 11, comm: 'postgres', ppid: 10, ownTicks: 5, reapedChildrenTicks: 0 },
      { pid: 12, comm: 'postgres', ppid: 10, ownTicks: 300, reapedChildrenTicks: 0 },
      { pid: 13, comm: 'postgres', ppid: 12, ownTicks: 2, reapedChildrenTicks: 1 },
      { pid: 20, comm: 'postgres', ppid: 1, ownTicks: 999, reapedChildrenTicks: 999 }, // someone else
    ].map((stat) => [stat.pid, stat]),
  );

  it('adds the live descendants and the reaped children of every level', () => {
    expect(treeTicks(10, stats)).toBe(100 + 40 + 5 + 300 + 2 + 1);
    expect(treeTicks(12, stats)).toBe(303);
  });

  it('is 0 for a process that is gone', () => {
    expect(treeTicks(99, stats)).toBe(0);
  });
});

describe('listeningInodes', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:73F4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:D9A2 0100007F:73F4 01 00000000:00000000 00:00000000 00000000     0        0 81299 1 0000000000000000 20 4 30 10 -1',
    '   2: 0100007F:73F5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81240 1 0000000000000000 100 0 0 10 0',
  ].join('\n');

  it('finds the listening socket of the port, not connections to it nor other ports', () => {
    expect(listeningInodes(table, 0x73f4)).toEqual(['81234']);
    expect(listeningInodes(table, 0x73f5)).toEqual(['81240']);
    expect(listeningInodes(table, 5432)).toEqual([]);
  });

  it('reads IPv6 addresses the same way', () => {
    const v6 =
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 0000000000000000FFFF00000100007F:73F4 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 91000 1 0000000000000000 100 0 0 10 0';
    expect(listeningInodes(v6, 0x73f4)).toEqual(['91000']);
  });
});

describe('listeningPid', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('finds the process listening on a port of this machine', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(listeningPid(port)).toBe(process.pid);
  });
});

describe('localPort', () => {
  it('gives the port of a server on this machine only', () => {
    expect(localPort('127.0.0.1:29700')).toBe(29700);
    expect(localPort('localhost:5432')).toBe(5432);
    expect(localPort('kafka-0.kafka:9092')).toBeUndefined();
  });
});

describe('cpuSplitLines', () => {
  it('charges what the listed processes did not spend to the rest of the machine', () => {
    const lines = cpuSplitLines(
      {
        wallSeconds: 10,
        capacitySeconds: 20,
        busySeconds: 18,
        processes: [
          { name: 'consumer', pid: 1, seconds: 8 },
          { name: 'broker', pid: undefined, seconds: NaN },
          { name: 'bench', pid: 2, seconds: 1 },
        ],
        busiestOthers: [{ name: 'jest', pid: 3, seconds: 6 }],
      },
      1_000_000,
    );
    const row = (start: string) => lines.find((line) => line.trimStart().startsWith(start));
    expect(row('consumer')).toMatch(/8\.00 s\s+8\.0\s+40%$/);
    expect(row('broker')).toMatch(/not on this machine/);
    expect(row('sum of the above')).toMatch(/9\.00 s\s+9\.0\s+45%$/);
    expect(row('other processes')).toMatch(/9\.00 s\s+9\.0\s+45%$/);
    expect(row('of which jest')).toMatch(/6\.00 s\s+6\.0\s+30%$/);
    expect(row('idle')).toMatch(/2\.00 s\s+2\.0\s+10%$/);
    expect(row('all cores')).toMatch(/20\.00 s\s+20\.0\s+100%$/);
  });
});

/**
 * Where the machine's CPU went while a benchmark ran, process by process: utime + stime from
 * /proc/<pid>/stat of the consumer, the broker, every process of the PostgreSQL server and the
 * bench itself, beside the machine's busy and idle time (/proc/stat). On 2 shared cores wall
 * time moves with whatever else runs; the CPU each process spent per event does not.
 *
 * A process is counted with its descendants, alive or exited: a PostgreSQL backend that ends
 * during the run is reaped by the postmaster, and the kernel then adds its CPU to the
 * postmaster's cutime/cstime, so nothing is lost when connections come and go.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { machineCpuTicks } from './support';

/** Linux's USER_HZ: /proc counts CPU time in 1/100 s everywhere Node runs on Linux. */
export const TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** The command name, as the kernel keeps it (15 characters at most). */
  comm: string;
  /** utime + stime: CPU the process itself spent, in ticks. */
  ownTicks: number;
  /** cutime + cstime: CPU of its children that exited and were waited for, in ticks. */
  reapedChildrenTicks: number;
}

/** One line of /proc/<pid>/stat (see proc(5)). */
export function parseProcStat(text: string): ProcStat {
  // The command name, in parentheses, may hold spaces and parentheses: fields resume after
  // its last ')'. Counting from there, state is field 0, ppid 1, utime 11 ... cstime 14.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const fields = text.slice(close + 2).split(' ');
  const field = (index: number) => Number(fields[index]);
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: field(1),
    comm: text.slice(text.indexOf('(') + 1, close),
    ownTicks: field(11) + field(12),
    reapedChildrenTicks: field(13) + field(14),
  };
}

/**
 * Ticks spent by `root` and all its descendants so far: the live ones' own and reaped
 * children's CPU. `stats` is a snapshot of every process of the machine.
 */
export function treeTicks(root: number, stats: ReadonlyMap<number, ProcStat>): number {
  let ticks = 0;
  for (const pid of treeOf(root, stats)) {
    const stat = stats.get(pid)!;
    ticks += stat.ownTicks + stat.reapedChildrenTicks;
  }
  return ticks;
}

/** `root` and its live descendants, as far as `stats` knows them. */
function treeOf(root: number, stats: ReadonlyMap<number, ProcStat>): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const siblings = childrenOf.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else childrenOf.set(stat.ppid, [stat.pid]);
  }
  const tree: number[] = [];
  const pending = stats.has(root) ? [root] : [];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

const pidsOnMachine = (): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

/** Every process of the machine, as /proc shows it now. */
export function processSnapshot(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const pid of pidsOnMachine()) {
    const text = readIfPresent(`/proc/${pid}/stat`);
    if (text) stats.set(pid, parseProcStat(text));
  }
  return stats;
}

const TCP_LISTEN = '0A';

/**
 * Socket inodes listening on TCP `port` in a /proc/net/tcp or /proc/net/tcp6 table (local
 * address and port in hex, state 0A for LISTEN, the inode in the 10th column).
 */
export function listeningInodes(table: string, port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.length > 9)
    .filter(([, local, , state]) => local.endsWith(`:${portHex}`) && state === TCP_LISTEN)
    .map((columns) => columns[9]);
}

/** The process listening on TCP `port` of this machine, if any (needs to see its fds: root, or the same user). */
export function listeningPid(port: number): number | undefined {
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
      listeningInodes(readIfPresent(table) ?? '', port),
    ),
  );
  if (inodes.size === 0) return undefined;
  const sockets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const pid of pidsOnMachine()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // ended, or not ours to look at
    }
    for (const fd of fds) {
      try {
        if (sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** A process of the run whose CPU is measured. */
export interface MeasuredProcess {
  name: string;
  /** undefined: not on this machine (an external broker or database), shown as such. */
  pid: number | undefined;
  /**
   * Count its own CPU only, not its descendants': the bench, whose children (the consumer, a
   * broker or database it started) have rows of their own.
   */
  alone?: boolean;
}

export interface ProcessCpu {
  name: string;
  pid: number | undefined;
  seconds: number;
}

export interface CpuSplit {
  wallSeconds: number;
  /** CPU seconds the machine had (wall x cores) and spent, all processes. */
  capacitySeconds: number;
  busySeconds: number;
  processes: ProcessCpu[];
  /**
   * The busiest processes outside those measured (another user's tests, say): their own CPU
   * only, most first, so a noisy run says what made it noisy.
   */
  busiestOthers: ProcessCpu[];
}

const BUSIEST_OTHERS = 3;

function busiestOthers(
  before: ReadonlyMap<number, ProcStat>,
  after: ReadonlyMap<number, ProcStat>,
  measured: readonly MeasuredProcess[],
): ProcessCpu[] {
  const ours = new Set(
    measured.flatMap(({ pid, alone }) => {
      if (pid === undefined) return [];
      return alone ? [pid] : treeOf(pid, after);
    }),
  );
  return [...after.values()]
    .filter((stat) => !ours.has(stat.pid))
    .map((stat) => ({
      name: commandOf(stat),
      pid: stat.pid,
      seconds: (stat.ownTicks - (before.get(stat.pid)?.ownTicks ?? 0)) / TICKS_PER_SECOND,
    }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, BUSIEST_OTHERS)
    .filter((other) => other.seconds > 0);
}

/** The command line, shortened, or the kernel's name when it has none (a kernel thread). */
function commandOf(stat: ProcStat): string {
  const cmdline = readIfPresent(`/proc/${stat.pid}/cmdline`)?.split('\0').join(' ').trim();
  const command = cmdline || stat.comm;
  return command.length > 40 ? `${command.slice(0, 39)}…` : command;
}

/**
 * Starts counting; the returned function gives the CPU each process (with its descendants)
 * spent since, and the machine's busy and total time over the same interval.
 */
export function cpuSplitMeter(processes: readonly MeasuredProcess[]): () => CpuSplit {
  const ticksOf = (stats: ReadonlyMap<number, ProcStat>) =>
    processes.map(({ pid, alone }) => {
      if (pid === undefined) return NaN;
      return alone ? (stats.get(pid)?.ownTicks ?? NaN) : treeTicks(pid, stats);
    });
  const started = performance.now();
  const machineBefore = machineCpuTicks();
  const statsBefore = processSnapshot();
  const before = ticksOf(statsBefore);
  return () => {
    const statsAfter = processSnapshot();
    const after = ticksOf(statsAfter);
    const machineAfter = machineCpuTicks();
    return {
      wallSeconds: (performance.now() - started) / 1000,
      capacitySeconds: (machineAfter.total - machineBefore.total) / TICKS_PER_SECOND,
      busySeconds: (machineAfter.busy - machineBefore.busy) / TICKS_PER_SECOND,
      processes: processes.map(({ name, pid }, i) => ({
        name,
        pid,
        seconds: (after[i] - before[i]) / TICKS_PER_SECOND,
      })),
      busiestOthers: busiestOthers(statsBefore, statsAfter, processes),
    };
  };
}

/** The process serving `host:port` on this machine; undefined when the server is elsewhere. */
export function localServerPid(hostAndPort: string): number | undefined {
  const port = localPort(hostAndPort);
  return port === undefined ? undefined : listeningPid(port);
}

/** The port of a server this machine runs, from `host:port`; undefined when it is elsewhere. */
export function localPort(hostAndPort: string): number | undefined {
  const { hostname, port } = new URL(`tcp://${hostAndPort}`);
  const local = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(hostname);
  return local && port ? Number(port) : undefined;
}

/** The lines of the table: CPU µs per event for each process, the rest of the machine and idle. */
export function cpuSplitLines(split: CpuSplit, events: number): string[] {
  const us = (seconds: number) => ((seconds * 1e6) / events).toFixed(1).padStart(8);
  const share = (seconds: number) =>
    `${((100 * seconds) / split.capacitySeconds).toFixed(0).padStart(5)}%`;
  const row = (name: string, seconds: number) =>
    `  ${name.padEnd(52)}${seconds.toFixed(2).padStart(7)} s ${us(seconds)} ${share(seconds)}`;
  const known = split.processes.filter((p) => p.pid !== undefined);
  const knownSeconds = known.reduce((sum, p) => sum + p.seconds, 0);
  const idleSeconds = split.capacitySeconds - split.busySeconds;
  return [
    `  ${'process'.padEnd(52)}${'CPU'.padStart(9)} ${'µs/event'.padStart(8)} ${'of cores'.padStart(6)}`,
    ...split.processes.map((p) =>
      p.pid === undefined
        ? `  ${p.name.padEnd(52)}   not on this machine`
        : row(`${p.name} (pid ${p.pid})`, p.seconds),
    ),
    row('sum of the above', knownSeconds),
    row('other processes, kernel (machine busy - sum)', split.busySeconds - knownSeconds),
    ...split.busiestOthers.map((other) => row(`    of which ${other.name}`, other.seconds)),
    row('idle', idleSeconds),
    row(`all cores (wall ${split.wallSeconds.toFixed(2)} s x cores)`, split.capacitySeconds),
  ];
}

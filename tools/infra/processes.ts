/**
 * Running a command to its end, and looking at or signalling other processes by pid: what
 * the local broker needs around its own JVM (a Maven download, `java -version`, a stale
 * broker left by a crashed run).
 */
import { spawn } from 'node:child_process';
import { readIfExists } from './text-files';

export interface RunResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  /** Set when the command could not be started at all (not installed, say). */
  error?: Error;
}

/** Runs `cmd` to its end; never rejects, a failure to start is in `error`. */
export function run(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (error) => resolve({ code: null, output, error }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** A process's command line (Linux /proc), arguments joined by spaces; undefined if unknown. */
export function readCmdline(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const raw = readIfExists(`/proc/${pid}/cmdline`);
  return raw === undefined ? undefined : raw.split('\0').join(' ').trim();
}

/** Whether a process exists (one we may not signal counts: EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, up to `graceMs` to exit, then SIGKILL; resolves once the process is gone. */
export async function terminatePid(pid: number, graceMs: number): Promise<void> {
  killQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    killQuietly(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `p` settles within `ms`. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

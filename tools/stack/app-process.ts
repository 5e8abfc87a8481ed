import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ALERTING_V8_FLAGS } from '../../apps/alerting/src/v8-heap-tuning';

export const APPS = ['consumer', 'alerting', 'gateway', 'propagator'] as const;
export type AppName = (typeof APPS)[number];

/** Options for node that an app must run with, before anything a caller adds. */
export const APP_NODE_FLAGS: Readonly<Record<AppName, readonly string[]>> = {
  consumer: [],
  alerting: ALERTING_V8_FLAGS,
  gateway: [],
  propagator: [],
};

export interface AppProcessOptions {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  args?: string[];
  /** Options for node itself, before the script (a benchmark's --cpu-prof, say). */
  nodeArgs?: string[];
  /** Receives every output line, prefixed by nothing: the caller decides how to show it. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** One compiled app (dist/apps/<name>/src/main.js) running as a child process. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;

  constructor(
    readonly name: AppName,
    private readonly options: AppProcessOptions,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** The signal that ended the last run (SIGKILL, say), or null if it exited by itself. */
  get exitSignal(): NodeJS.Signals | null {
    return this.child?.signalCode ?? null;
  }

  /** Starts the app; after it has exited, starts a new run of it. */
  start(): void {
    const main = join(this.options.repoRoot, 'dist', 'apps', this.name, 'src', 'main.js');
    const child = spawn(
      process.execPath,
      [
        ...APP_NODE_FLAGS[this.name],
        ...(this.options.nodeArgs ?? []),
        main,
        ...(this.options.args ?? []),
      ],
      {
        cwd: this.options.repoRoot,
        env: this.options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group: a terminal's Ctrl-C reaches only the stack, which stops the apps
        // with one SIGTERM each (a second signal would make them skip their graceful shutdown).
        detached: true,
      },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream] }).on('line', (line) =>
        this.options.onLine?.(line, stream),
      );
    }
  }

  /** Resolves with the exit code (null when killed by a signal). */
  waitForExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  /** SIGTERM (graceful: finish the batch, commit), then SIGKILL after the grace period. */
  async stop(graceMs = 20000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.waitForExit();
    clearTimeout(timer);
  }

  /** Abrupt death, as in a crash or an OOM kill: nothing gets to clean up. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.waitForExit();
  }
}

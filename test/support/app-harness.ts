import { AppName, AppProcess } from '../../tools/stack/app-process';
import { repoRoot } from '../../tools/stack/repo-root';

/**
 * Runs a compiled app as a real child process (so tests can SIGKILL it) and keeps its
 * output for assertions and for diagnosing a failure.
 */
export class AppHarness {
  readonly lines: string[] = [];
  private readonly process: AppProcess;

  constructor(name: AppName, env: Record<string, string>, args: string[] = []) {
    this.process = new AppProcess(name, {
      repoRoot: repoRoot(),
      env: { ...process.env, LOG_LEVEL: 'log', ...env },
      args,
      onLine: (line) => {
        this.lines.push(line);
        if (process.env.TEST_APP_OUTPUT) process.stdout.write(`[${name}] ${line}\n`);
      },
    });
  }

  start(): this {
    this.process.start();
    return this;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  waitForExit(): Promise<number | null> {
    return this.process.waitForExit();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  kill(): Promise<void> {
    return this.process.kill();
  }

  output(): string {
    return this.lines.join('\n');
  }
}

/** HTTP port 0 picks a free port; tests that do not call the HTTP API use it to avoid clashes. */
export const ANY_PORT = '0';

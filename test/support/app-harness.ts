import { AppName, AppProcess } from '../../tools/stack/app-process';
import { repoRoot } from '../../tools/stack/repo-root';
import { testEventIdSecret } from './integration-env';

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
      env: { ...process.env, LOG_LEVEL: 'log', EVENT_ID_SECRET: testEventIdSecret(), ...env },
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

/** The app's base URL, read from its "ready" log line (tests bind port 0). */
export async function baseUrlOf(app: AppHarness, timeoutMs = 60000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /ready: health at (http:\/\/[^\s"]+)\/health/.exec(app.output());
    if (match) return match[1].replace('[::1]', '127.0.0.1');
    if (!app.running) throw new Error(`app exited before it was ready:\n${app.output()}`);
    if (Date.now() > deadline)
      throw new Error(`app not ready in ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

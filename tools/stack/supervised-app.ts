import { AppProcess } from './app-process';
import { RestartPolicy } from './restart-policy';

/** How a supervised app ended for good. */
export interface AppEnd {
  name: string;
  /** True when it kept dying soon after each restart and the policy stopped restarting it. */
  gaveUp: boolean;
}

/**
 * One app of the local stack, restarted when it dies (a crash, an OOM kill, a `kill -9` to see
 * what the pipeline does), so one app's death no longer takes the whole stack down with it.
 * A clean exit (code 0) and a stop() are left alone.
 */
export class SupervisedApp {
  private stopping = false;
  private cancelWait: (() => void) | undefined;
  private run: Promise<AppEnd> | undefined;

  constructor(
    private readonly app: AppProcess,
    private readonly log: (line: string) => void,
    private readonly policy = new RestartPolicy(),
  ) {}

  /** Starts the app; `ended` resolves once it will not run again. */
  start(): void {
    this.run = this.superviseRuns();
  }

  get ended(): Promise<AppEnd> {
    return this.run ?? Promise.resolve({ name: this.app.name, gaveUp: false });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelWait?.();
    await this.app.stop();
    await this.ended;
  }

  private async superviseRuns(): Promise<AppEnd> {
    const name = this.app.name;
    for (;;) {
      const startedAt = Date.now();
      this.app.start();
      // The pid is what someone testing a crash needs: `kill -9 <pid>`.
      this.log(`${name} started (pid ${this.app.pid})`);
      const code = await this.app.waitForExit();
      if (this.stopping) return { name, gaveUp: false };
      const signal = this.app.exitSignal;
      if (code === 0 && signal === null) {
        this.log(`${name} exited with code 0; not restarted`);
        return { name, gaveUp: false };
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const delayMs = this.policy.afterUnexpectedExit(Date.now() - startedAt);
      if (delayMs === null) {
        this.log(`${name} ${how}, again soon after a restart; not restarting it any more`);
        return { name, gaveUp: true };
      }
      this.log(`${name} ${how}; restarting it in ${delayMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.cancelWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.cancelWait = undefined;
      if (this.stopping) return { name, gaveUp: false };
    }
  }
}

/**
 * Bounds the sends in progress. `acquire` waits while the limit is reached, which is what
 * makes generation slow down to what Kafka accepts instead of queueing events in memory.
 */
export class InFlightLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`limit must be at least 1, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  /**
   * Resolves true with a slot, or false when `signal` aborted the wait (a stopping
   * generator must not hang on a send that may take a broker outage to complete).
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    if (signal?.aborted) return false;
    // The releasing holder hands its slot over, so `active` does not change here.
    return new Promise<boolean>((resolve) => {
      const granted = () => {
        signal?.removeEventListener('abort', aborted);
        resolve(true);
      };
      const aborted = () => {
        this.waiting.splice(this.waiting.indexOf(granted), 1);
        resolve(false);
      };
      this.waiting.push(granted);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.active--;
    if (this.active === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Resolves when nothing is in flight any more. */
  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

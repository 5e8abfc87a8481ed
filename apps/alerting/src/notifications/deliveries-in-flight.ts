/**
 * The deliveries running now, each a promise that never rejects (its outcome is handled by
 * whoever started it). The fetch loop waits for room past the in-flight limit, and a stop
 * waits for the running ones, up to a bound.
 */
export class DeliveriesInFlight {
  private readonly running = new Set<Promise<void>>();

  constructor(
    /** Told the count after every change (the in-flight gauge). */
    private readonly counted: (size: number) => void = () => undefined,
  ) {}

  get size(): number {
    return this.running.size;
  }

  add(delivery: Promise<void>): void {
    const tracked = delivery.finally(() => {
      this.running.delete(tracked);
      this.counted(this.running.size);
    });
    this.running.add(tracked);
    this.counted(this.running.size);
  }

  /** Resolves once fewer than `limit` deliveries are running. */
  async roomFor(limit: number): Promise<void> {
    while (this.running.size >= limit) await Promise.race(this.running);
  }

  /** Resolves true once none is running, or false after `maxWaitMs` with some still running. */
  async settled(maxWaitMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), maxWaitMs);
      timer.unref();
    });
    try {
      return await Promise.race([Promise.allSettled([...this.running]).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * One dependency check shared by every caller for `ttlMs` after it settles, and by every
 * caller while it runs: a probe, a scraper and a curious client polling `/health` together
 * cost the database and the broker one round trip per `ttlMs`, not one per request.
 * Failures are shared the same way, so a flood of probes during an outage adds no load.
 */
export class SharedCheck<T> {
  private current: Promise<T> | undefined;
  private settledAt: number | undefined;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<T> {
    const fresh =
      this.current !== undefined &&
      (this.settledAt === undefined || this.now() - this.settledAt < this.ttlMs);
    if (fresh) return this.current as Promise<T>;
    this.settledAt = undefined;
    const started = this.run();
    this.current = started;
    const settle = (): void => {
      // A newer check may have replaced this one meanwhile: only the current one sets the clock.
      if (this.current === started) this.settledAt = this.now();
    };
    started.then(settle, settle);
    return started;
  }
}

import { Clock } from './clock';

export interface RatePacerOptions {
  /**
   * Longest wait for a full batch before a partial one goes out, like Kafka's linger.ms:
   * at 10 events/s nobody wants to wait 100 s for a batch of 1000.
   */
  lingerMs?: number;
  /**
   * Most credit kept after a stall, in seconds of rate. After the broker held the generator
   * back, it catches up for at most this long instead of bursting the whole debt.
   */
  burstSeconds?: number;
}

/**
 * A token bucket that starts empty, so N events at R events/s take N/R seconds. It hands
 * out whole batches: waiting for `max` tokens (or the linger time) keeps each Kafka send
 * large at high rates and the latency low at low ones.
 */
export class RatePacer {
  private readonly lingerMs: number;
  private readonly burstSeconds: number;
  private tokens = 0;
  private refilledAt: number;
  private grantedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
    options: RatePacerOptions = {},
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`rate must be greater than 0, got ${ratePerSecond}`);
    this.lingerMs = options.lingerMs ?? 50;
    this.burstSeconds = options.burstSeconds ?? 1;
    this.refilledAt = this.grantedAt = clock.now();
  }

  /**
   * Resolves with how many events (1..max) may be published now; 0 when `signal` aborted
   * the wait.
   */
  async acquire(max: number, signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (signal?.aborted) return 0;
      const { grant, waitMs } = this.poll(max);
      if (grant > 0) return grant;
      await this.clock.sleep(waitMs, signal);
    }
  }

  /** Non-blocking: a grant, or how long to wait before asking again. */
  poll(max: number): { grant: number; waitMs: number } {
    const now = this.clock.now();
    const capacity = Math.max(max, this.ratePerSecond * this.burstSeconds);
    this.tokens = Math.min(
      capacity,
      this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000,
    );
    this.refilledAt = now;

    const lingered = now - this.grantedAt >= this.lingerMs;
    if (this.tokens >= max || (this.tokens >= 1 && lingered)) {
      const grant = Math.min(max, Math.floor(this.tokens));
      this.tokens -= grant;
      this.grantedAt = now;
      return { grant, waitMs: 0 };
    }
    const msPerToken = 1000 / this.ratePerSecond;
    const untilOne = (1 - this.tokens) * msPerToken;
    const untilFull = (max - this.tokens) * msPerToken;
    const untilLinger = this.grantedAt + this.lingerMs - now;
    const waitMs = Math.max(untilOne, Math.min(untilFull, untilLinger));
    return { grant: 0, waitMs: Math.max(1, Math.ceil(waitMs)) };
  }
}

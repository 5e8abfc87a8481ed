import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';

/** Why a backtest may not start now; the caller answers 429 with this message. */
export class BacktestsBusy extends Error {}

/**
 * Who is backtesting: one backtest at a time per API key, and at most
 * GATEWAY_BACKTEST_CONCURRENCY in all. A backtest may read two million events, so a `read`
 * key starting them in parallel could otherwise take every database connection and core.
 */
@Injectable()
export class BacktestSlots {
  private readonly running = new Set<string>();

  constructor(private readonly config: GatewayConfig) {}

  /** Takes a slot for `keyId` or throws BacktestsBusy; returns the release (safe to call twice). */
  take(keyId: string): () => void {
    if (this.running.has(keyId)) {
      throw new BacktestsBusy(
        'this API key already has a backtest running: wait for it (or cancel it) before starting another',
      );
    }
    if (this.running.size >= this.config.backtestConcurrency) {
      throw new BacktestsBusy(
        `${this.running.size} backtests are running, the most allowed at once (GATEWAY_BACKTEST_CONCURRENCY): retry later`,
      );
    }
    this.running.add(keyId);
    return () => this.running.delete(keyId);
  }
}

import { PublishObserver } from '../services/publish-observer';
import { PublishTotals } from '../services/publish-pipeline';
import { LoadWorkerStats } from './load-worker.protocol';

/**
 * Collects what a worker's pipeline reports between two posts to the main thread, which
 * owns the Prometheus registry: a message every 250 ms instead of one per batch.
 */
export class StatsAccumulator implements PublishObserver {
  private byType = new Map<string, number>();
  private sendErrors = 0;
  private sendSeconds: number[] = [];
  private inFlightDelta = 0;

  published(type: string, count: number): void {
    this.byType.set(type, (this.byType.get(type) ?? 0) + count);
  }

  sendFailed(): void {
    this.sendErrors++;
  }

  inFlightChanged(delta: number): void {
    this.inFlightDelta += delta;
  }

  sendCompleted(seconds: number): void {
    this.sendSeconds.push(seconds);
  }

  /** The deltas since the previous call, and the running totals. */
  take(generated: number, totals: PublishTotals): LoadWorkerStats {
    const stats: LoadWorkerStats = {
      published: Object.fromEntries(this.byType),
      sendErrors: this.sendErrors,
      sendSeconds: this.sendSeconds,
      inFlightDelta: this.inFlightDelta,
      generated,
      totals: { ...totals },
    };
    this.byType = new Map();
    this.sendErrors = 0;
    this.sendSeconds = [];
    this.inFlightDelta = 0;
    return stats;
  }
}

import { Logger } from '@nestjs/common';
import { backoffDelay } from './backoff';

/** What an operation waits for, as it appears in logs and metric labels. */
export type Dependency = 'database' | 'kafka';

/** What a retry loop needs from the batch it runs for. */
export interface BatchContext {
  /** Keeps the consumer's group membership alive while we wait. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was reassigned: stop retrying. */
  isActive(): boolean;
}

/** Thrown when a batch is given up because its consumer is stopping or lost the partition. */
export class BatchAbandoned extends Error {
  constructor(dependency: Dependency) {
    super(
      `batch abandoned while waiting for ${dependency}: consumer stopping or partition reassigned`,
    );
  }
}

export interface RetryHooks {
  onRetry(dependency: Dependency, attempt: number, delayMs: number, error: unknown): void;
  /** `true` when an operation starts waiting for its dependency, `false` once it stops. */
  onWaiting(dependency: Dependency, waiting: boolean): void;
  /** Errors no wait can fix (the data itself is refused): rethrown at once for the caller. */
  isPermanent?(dependency: Dependency, error: unknown): boolean;
}

/**
 * Runs an operation until it succeeds, waiting with capped exponential backoff while its
 * dependency is down. This is how a database or broker outage pauses consumption: the batch
 * is neither skipped nor committed, and it resumes by itself when the dependency is back.
 * Errors the hooks call permanent (poison data) are rethrown at once for the caller to isolate.
 */
export class DependencyRetrier {
  private readonly logger = new Logger('DependencyRetrier');

  constructor(
    private readonly maxDelayMs: number,
    private readonly hooks: RetryHooks,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
    private readonly initialDelayMs = 200,
  ) {}

  async run<T>(
    dependency: Dependency,
    context: BatchContext,
    operation: () => Promise<T>,
  ): Promise<T> {
    // onWaiting(true) and onWaiting(false) always come in pairs, whatever way the loop ends,
    // so several batches waiting at once can be counted.
    let waiting = false;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await operation();
          if (attempt > 1) {
            this.logger.log(
              `${dependency} is available again after ${attempt - 1} failed attempt(s); resuming`,
            );
          }
          return result;
        } catch (error) {
          if (this.hooks.isPermanent?.(dependency, error)) throw error;
          if (!context.isActive()) throw new BatchAbandoned(dependency);
          const delay = backoffDelay(attempt, this.initialDelayMs, this.maxDelayMs);
          if (!waiting) {
            waiting = true;
            this.hooks.onWaiting(dependency, true);
          }
          this.hooks.onRetry(dependency, attempt, delay, error);
          await this.sleep(delay);
          await context.heartbeat().catch(() => undefined);
          if (!context.isActive()) throw new BatchAbandoned(dependency);
        }
      }
    } finally {
      if (waiting) this.hooks.onWaiting(dependency, false);
    }
  }
}

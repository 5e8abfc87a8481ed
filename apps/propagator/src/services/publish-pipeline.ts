import { Logger } from '@nestjs/common';
import { backoffDelay } from '@app/resilience';
import { Clock } from '../generation/clock';
import { InFlightLimiter } from '../generation/in-flight-limiter';
import { OutgoingEvent } from '../publishing/outgoing-event';
import { PublishObserver } from './publish-observer';

const RETRY_INITIAL_MS = 1000;
const RETRY_MAX_MS = 30000;

/** Where batches go: EventsTopicPublisher, or a fake in tests. */
export interface BatchSender {
  send(events: OutgoingEvent[]): Promise<void>;
}

export interface PublishPipelineOptions {
  maxInFlight: number;
  /** Count mode: a failed batch is retried until delivered, so exactly N get published. */
  retryUntilDelivered: boolean;
}

export interface PublishTotals {
  /** Events Kafka acknowledged. */
  published: number;
  /** Sends that failed (a batch retried three times counts three). */
  failedSends: number;
  /** Events given up on after a failed send (outside count mode, or at shutdown). */
  dropped: number;
  /** Events submitted and not yet acknowledged or dropped. */
  pending: number;
}

/**
 * Every batch goes out through here: at most `maxInFlight` sends at once (a generator that
 * submits beyond that waits, so memory stays bounded by maxInFlight x batch size), metrics,
 * and what to do when a send fails. In count mode a failed batch is retried with backoff
 * until it is delivered, so exactly the requested number of events is published; otherwise
 * it is logged, counted and dropped, since the next events are as good as the lost ones.
 */
export class PublishPipeline {
  private readonly logger = new Logger('PublishPipeline');
  private readonly limiter: InFlightLimiter;
  private readonly giveUp = new AbortController();
  readonly totals: PublishTotals = { published: 0, failedSends: 0, dropped: 0, pending: 0 };

  constructor(
    private readonly sender: BatchSender,
    private readonly observer: PublishObserver,
    private readonly options: PublishPipelineOptions,
    private readonly clock: Clock,
  ) {
    this.limiter = new InFlightLimiter(options.maxInFlight);
  }

  /**
   * Resolves true once the batch is on its way: immediately, or when a send slot frees up;
   * false when `signal` aborted the wait, and the batch was not sent. Given a function, the
   * batch is built only once the slot is there, so no finished batch sits in memory waiting
   * (under load, live batches are what the garbage collector pays for).
   */
  async submit(
    batch: OutgoingEvent[] | (() => OutgoingEvent[]),
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (!(await this.limiter.acquire(signal))) return false;
    const events = typeof batch === 'function' ? batch() : batch;
    if (events.length === 0) {
      this.limiter.release();
      return true;
    }
    this.observer.inFlightChanged(1);
    this.totals.pending += events.length;
    void this.deliver(events).finally(() => {
      this.totals.pending -= events.length;
      this.observer.inFlightChanged(-1);
      this.limiter.release();
    });
    return true;
  }

  /**
   * Waits until every submitted batch is delivered or dropped, retries included, for up to
   * `timeoutMs`. On timeout it stops retrying and resolves false; what is still pending
   * then (totals.pending) is lost when the process exits.
   */
  async flush(timeoutMs = Infinity): Promise<boolean> {
    const idle = this.limiter.whenIdle().then(() => true);
    if (!Number.isFinite(timeoutMs)) return idle;
    const deadline = new AbortController();
    const timedOut = this.clock.sleep(timeoutMs, deadline.signal).then(() => false);
    const done = await Promise.race([idle, timedOut]);
    deadline.abort();
    if (!done) this.giveUp.abort();
    return done;
  }

  private async deliver(events: OutgoingEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const started = this.clock.now();
      try {
        await this.sender.send(events);
        this.observer.sendCompleted((this.clock.now() - started) / 1000);
        this.recordPublished(events);
        return;
      } catch (error) {
        this.observer.sendCompleted((this.clock.now() - started) / 1000);
        this.observer.sendFailed();
        this.totals.failedSends++;
        const reason = (error as Error)?.message ?? String(error);
        if (!this.options.retryUntilDelivered || this.giveUp.signal.aborted) {
          this.totals.dropped += events.length;
          this.logger.error(`send of ${events.length} events failed, dropped: ${reason}`);
          return;
        }
        const delayMs = backoffDelay(attempt, RETRY_INITIAL_MS, RETRY_MAX_MS);
        this.logger.warn(
          `send of ${events.length} events failed (attempt ${attempt}), retrying in ${delayMs} ms: ${reason}`,
        );
        await this.clock.sleep(delayMs, this.giveUp.signal);
        if (this.giveUp.signal.aborted) {
          this.totals.dropped += events.length;
          this.logger.error(
            `gave up on ${events.length} events at shutdown after ${attempt} failed sends`,
          );
          return;
        }
      }
    }
  }

  private recordPublished(events: OutgoingEvent[]): void {
    this.totals.published += events.length;
    // One observer call per type and batch, not per event: under load this runs for
    // 50+ batches of 1000 events a second.
    const byType = new Map<string, number>();
    for (const { type } of events) byType.set(type, (byType.get(type) ?? 0) + 1);
    for (const [type, count] of byType) this.observer.published(type, count);
  }
}

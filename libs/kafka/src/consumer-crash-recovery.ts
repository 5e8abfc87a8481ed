import { Logger } from '@nestjs/common';
import { Consumer } from 'kafkajs';
import { backoffDelay } from '@app/resilience';
import { ReplaceableConsumer } from './replaceable-consumer';

export interface CrashRecoveryDelays {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_DELAYS: CrashRecoveryDelays = { initialMs: 1000, maxMs: 30_000 };

/**
 * Starts a fresh consumer in-process when kafkajs gives one up for good (CRASH with
 * `restart: false`, e.g. no group coordinator found while the broker restarts): without it
 * the consumer just stops and the service runs on with what it had read (stale rules, a
 * silent live stream). Meant for consumers with nothing committed to lose (topic followers,
 * the live stream); group consumers exit instead. While the broker is still away the new
 * consumer fails too, so attempts are spaced with backoff, reset once one joins its group.
 */
export class ConsumerCrashRecovery {
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: ReplaceableConsumer,
    /** Names the consumer in the log line, e.g. `alert-rules follower`. */
    private readonly what: string,
    private readonly logger: Logger,
    private readonly delays: CrashRecoveryDelays = DEFAULT_DELAYS,
  ) {}

  /** Wires one generation's consumer: call it from the ReplaceableConsumer's set-up. */
  watch(consumer: Consumer, generation: number): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.client.isCurrent(generation)) this.attempts = 0;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // restart: true means kafkajs restarts it by itself; an older generation is already replaced.
      if (payload.restart || !this.client.isCurrent(generation)) return;
      this.scheduleReplacement(
        `the Kafka consumer stopped and kafkajs will not restart it (${payload.error.message})`,
      );
    });
  }

  /** No replacement after this (the owner is stopping). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleReplacement(why: string): void {
    if (this.stopped || this.timer) return;
    const delay = backoffDelay(++this.attempts, this.delays.initialMs, this.delays.maxMs);
    this.logger.warn(
      `${this.what}: ${why}; starting a new one in ${delay} ms (attempt ${this.attempts})`,
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Still failing (broker not back yet): try again later, further apart.
      this.client
        .replace()
        .catch((error: Error) =>
          this.scheduleReplacement(`the new Kafka consumer did not start (${error.message})`),
        );
    }, delay);
  }
}

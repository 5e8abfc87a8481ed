import { Logger } from '@nestjs/common';
import { Consumer, RetryOptions } from 'kafkajs';
import { settlesWithin } from './settles-within';

/** How long a replacement waits for the old kafkajs consumer to let go before leaving it behind. */
const DISCONNECT_WAIT_MS = 15_000;

/**
 * A service's kafkajs consumer, replaceable by a fresh one while the service runs: the way
 * out of any state kafkajs can get stuck in (gave up retrying, lost its membership, a fetch
 * that never settles). Each consumer gets a generation number; work started for an older
 * generation can ask `isCurrent` and stop instead of retrying for a consumer that is gone.
 */
export class ReplaceableConsumer {
  private current: Consumer;
  private generation = 0;
  private stopped = false;

  constructor(
    /** Makes a kafkajs consumer with the `retry` given (kafkajs' default 5 retries, plus the restart rule). */
    private readonly create: (retry: RetryOptions) => Consumer,
    /** Wires, connects, subscribes and runs a consumer (called for each new one). */
    private readonly setUp: (consumer: Consumer, generation: number) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.current = create(this.retryFor(0));
  }

  /**
   * kafkajs restarts a crashed consumer by itself, even one we just disconnected to replace
   * it: that zombie would rejoin the group, take partitions and abandon every batch (its
   * generation is gone). Only the current generation may restart.
   */
  private retryFor(generation: number): RetryOptions {
    return { retries: 5, restartOnFailure: () => Promise.resolve(this.isCurrent(generation)) };
  }

  get consumer(): Consumer {
    return this.current;
  }

  isCurrent(generation: number): boolean {
    return !this.stopped && generation === this.generation;
  }

  start(): Promise<void> {
    return this.setUp(this.current, this.generation);
  }

  /** Starts a fresh consumer in place of the current one (which is asked to disconnect). */
  async replace(): Promise<void> {
    if (this.stopped) return;
    const old = this.current;
    this.generation++;
    this.current = this.create(this.retryFor(this.generation));
    if (!(await settlesWithin(old.disconnect(), DISCONNECT_WAIT_MS))) {
      this.logger.warn(
        `the old Kafka consumer did not disconnect within ${DISCONNECT_WAIT_MS} ms; left behind`,
      );
    }
    if (this.stopped) return;
    await this.setUp(this.current, this.generation);
  }

  /** No replacement after this; the caller stops and disconnects `consumer` itself. */
  markStopped(): void {
    this.stopped = true;
  }
}

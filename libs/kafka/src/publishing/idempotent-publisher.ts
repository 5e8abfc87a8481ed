import { Logger } from '@nestjs/common';
import {
  CompressionTypes,
  ICustomPartitioner,
  Kafka,
  Message,
  Partitioners,
  Producer,
  RetryOptions,
  TopicMessages,
} from 'kafkajs';

/**
 * How often kafkajs retries a send before it gives up and the error reaches the caller (about
 * 10 s of backoff with the client's settings, plus request timeouts). An idempotent producer
 * retries for ever unless told otherwise, which would hide an outage from the logs and metrics
 * and make a shutdown hang; every caller retries on its own terms. kafkajs warns that a limit
 * "may invalidate EoS guarantees": it does unless the producer that gave up is replaced, which
 * IdempotentPublisher does.
 */
export const DEFAULT_SEND_RETRIES = 5;

/** The part of kafkajs' retry options a publisher may choose (the rest is the client's). */
export type PublisherRetry = Pick<RetryOptions, 'retries' | 'initialRetryTime' | 'maxRetryTime'>;

export interface IdempotentPublisherOptions {
  /** Names the publisher in its log lines and errors. */
  name: string;
  /**
   * Where a keyed message goes. Defaults to kafkajs' DefaultPartitioner (murmur2, as the Java
   * client), so a key lands on the partition every other producer of that key writes to.
   */
  createPartitioner?: ICustomPartitioner;
  /** Bounded retries of one send; `retries` defaults to DEFAULT_SEND_RETRIES. */
  retry?: PublisherRetry;
}

interface ProducerSession {
  producer: Producer;
  connected: Promise<void>;
}

/**
 * The project's one way to write to Kafka: an idempotent producer whose writes are acknowledged
 * by every in-sync replica. Connects on the first send (or on `connect()`), replaces a producer
 * whose send failed, and refuses sends once disconnected. Topics, keys, headers and metrics are
 * the caller's.
 */
export class IdempotentPublisher {
  private readonly logger: Logger;
  private readonly retry: PublisherRetry;
  private current: ProducerSession | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: IdempotentPublisherOptions,
  ) {
    this.logger = new Logger(options.name);
    this.retry = { retries: DEFAULT_SEND_RETRIES, ...options.retry };
    // kafkajs refuses an idempotent producer without retries, but only when it first sends.
    if (!Number.isInteger(this.retry.retries) || this.retry.retries! < 1) {
      throw new Error(
        `${options.name}: retries must be a positive integer, got ${this.retry.retries}`,
      );
    }
  }

  /** Connects now, so that a service whose start needs Kafka fails at start. */
  async connect(): Promise<void> {
    await this.connected();
  }

  /** Resolves once Kafka acknowledged every message (acks from all in-sync replicas). */
  async send(topic: string, messages: Message[]): Promise<void> {
    // Uncompressed: the size a caller measures is the size the broker checks against the
    // topic's max.message.bytes.
    await this.sending((producer) =>
      producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages }),
    );
  }

  /**
   * Messages for several topics (or many callers' messages for one) in one produce request,
   * acknowledged or failed as a whole, like `send`.
   */
  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    await this.sending((producer) =>
      producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages }),
    );
  }

  /** Disconnects the producer; every send after this is refused. */
  async disconnect(): Promise<void> {
    this.closed = true;
    const session = this.current;
    this.current = undefined;
    if (session) await session.producer.disconnect();
  }

  private async sending(send: (producer: Producer) => Promise<unknown>): Promise<void> {
    const session = await this.connected();
    try {
      await send(session.producer);
    } catch (error) {
      this.retire(session, error);
      throw error;
    }
  }

  private async connected(): Promise<ProducerSession> {
    const session = this.session();
    try {
      await session.connected;
    } catch (error) {
      // A failed connect is forgotten, so the caller's next attempt connects afresh.
      this.retire(session, error);
      throw error;
    }
    return session;
  }

  private session(): ProducerSession {
    if (this.closed) {
      throw new Error(`${this.options.name} is disconnected; nothing more can be sent`);
    }
    if (!this.current) {
      const producer = this.kafka.producer({
        // Kafka drops a batch it already has when kafkajs resends it after a lost
        // acknowledgement, so kafkajs' own retries never duplicate or reorder messages.
        idempotent: true,
        // Idempotence needs one request in flight per connection (kafkajs serialises the
        // requests to a broker anyway); throughput comes from large batches.
        maxInFlightRequests: 1,
        // Topics are created on purpose, with their partition counts (ensureTopics).
        allowAutoTopicCreation: false,
        createPartitioner: this.options.createPartitioner ?? Partitioners.DefaultPartitioner,
        retry: this.retry,
      });
      this.current = { producer, connected: producer.connect() };
    }
    return this.current;
  }

  /**
   * After kafkajs gave up on a send it has rolled its sequence numbers back, although the
   * broker may have written the batch. Sending on would be refused as out of order (or, worse,
   * a different batch taken for a duplicate and dropped), so the next send starts a new
   * producer with a new producer id. A retried batch may then be written twice: the caller's
   * consumers must tolerate a duplicate, as after any replay.
   */
  private retire(session: ProducerSession, error: unknown): void {
    if (this.current !== session) return;
    this.current = undefined;
    this.logger.warn(
      `a send or connect failed (${(error as Error)?.message ?? String(error)}); the next send starts a new producer`,
    );
    void session.producer.disconnect().catch(() => undefined);
  }
}

import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { PropagatorConfig } from '../propagator.config';
import { CachingKeyPartitioner } from './key-partitioner';
import { OutgoingEvent } from './outgoing-event';

/**
 * How often kafkajs retries a send before it gives up and the error reaches us (about 10 s
 * of backoff with the client's settings, plus request timeouts). An idempotent producer
 * retries forever by default, which would hide an outage from the logs and metrics and
 * make a shutdown hang. kafkajs warns that a limit "may invalidate EoS guarantees": it does
 * unless the producer that gave up is replaced, see `retire`.
 */
const SEND_RETRIES = 5;

interface ProducerSession {
  producer: Producer;
  connected: Promise<void>;
}

/** Writes events to the events topic through an idempotent producer (one per thread). */
@Injectable()
export class EventsTopicPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('EventsTopicPublisher');
  readonly topic: string;
  private current: ProducerSession | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: PropagatorConfig,
  ) {
    this.topic = config.topic ?? topicName(Topic.Events, config.kafkaTopicPrefix);
  }

  /** Creates the topic when it is missing, with the configured partition count. */
  async ensureTopic(): Promise<void> {
    await ensureTopics(this.kafka, [Topic.Events], {
      prefix: this.config.kafkaTopicPrefix,
      partitions: { [Topic.Events]: this.config.eventsTopicPartitions },
      names: { [Topic.Events]: this.topic },
    });
  }

  async connect(): Promise<void> {
    await this.session().connected;
  }

  /** Resolves once Kafka acknowledged every message (acks from all in-sync replicas). */
  async send(events: OutgoingEvent[]): Promise<void> {
    const session = this.session();
    try {
      await session.connected;
      await session.producer.send({ topic: this.topic, acks: -1, messages: events });
    } catch (error) {
      this.retire(session);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    const session = this.current;
    this.current = undefined;
    if (session) await session.producer.disconnect();
  }

  private session(): ProducerSession {
    if (this.closed) throw new Error('the events publisher is shut down');
    if (!this.current) {
      const producer = this.kafka.producer({
        // Kafka drops a batch it already has when kafkajs resends it after a lost
        // acknowledgement, so its own retries never duplicate or reorder events.
        idempotent: true,
        // Idempotence needs one request in flight per connection (kafkajs serialises the
        // requests to a broker anyway); throughput comes from large batches and from one
        // producer per load worker.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: CachingKeyPartitioner,
        retry: { retries: SEND_RETRIES },
      });
      this.current = { producer, connected: producer.connect() };
    }
    return this.current;
  }

  /**
   * After kafkajs gave up on a send it has rolled its sequence numbers back, although the
   * broker may have written the batch. Sending on would be refused as out of order (or, worse,
   * a different batch taken for a duplicate and dropped), so the next send starts a new
   * producer with a new producer id. A retried batch may then be written twice; it keeps its
   * event ids, and the consumer's idempotent insert stores it once.
   */
  private retire(session: ProducerSession): void {
    if (this.current !== session) return;
    this.current = undefined;
    void session.producer.disconnect().catch(() => undefined);
  }
}

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics, IdempotentPublisher } from '@app/kafka';
import { PropagatorConfig } from '../propagator.config';
import { CachingKeyPartitioner } from './key-partitioner';
import { OutgoingEvent } from './outgoing-event';

/**
 * Writes events to the events topic (one publisher per thread). A batch kafkajs gave up on
 * may be written twice by the replacement producer; it keeps its event ids, and the
 * consumer's idempotent insert stores it once.
 */
@Injectable()
export class EventsTopicPublisher implements OnApplicationShutdown {
  readonly topic: string;
  private readonly publisher: IdempotentPublisher;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: PropagatorConfig,
  ) {
    this.topic = config.topic ?? topicName(Topic.Events, config.kafkaTopicPrefix);
    this.publisher = new IdempotentPublisher(kafka, {
      name: 'EventsTopicPublisher',
      createPartitioner: CachingKeyPartitioner,
    });
  }

  /** Creates the topic when it is missing, with the configured partition count. */
  async ensureTopic(): Promise<void> {
    await ensureTopics(this.kafka, [Topic.Events], {
      prefix: this.config.kafkaTopicPrefix,
      partitions: { [Topic.Events]: this.config.eventsTopicPartitions },
      names: { [Topic.Events]: this.topic },
    });
  }

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  /** Resolves once Kafka acknowledged every event. */
  send(events: OutgoingEvent[]): Promise<void> {
    return this.publisher.send(this.topic, events);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }
}

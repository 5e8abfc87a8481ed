import { Injectable } from '@nestjs/common';
import { CompressionTypes, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { AlertingConfig } from '../alerting.config';

/**
 * Publishes to the notification topics. One idempotent producer with acks=all; sends are
 * chained so two messages about the same incident reach the topic in the order they were
 * decided, whatever their sizes.
 */
@Injectable()
export class NotificationPublisher {
  private readonly producer: Producer;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: an incident's messages share a partition whoever sends them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  lifecycle(messages: LifecycleMessage[]): Promise<void> {
    return this.send(
      Topic.Notifications,
      messages.map((message) => ({ key: message.incident.id, value: JSON.stringify(message) })),
    );
  }

  send(topic: Topic, messages: Message[]): Promise<void> {
    if (messages.length === 0) return this.chain.then(() => undefined);
    const next = this.chain.then(() =>
      this.producer.send({
        topic: topicName(topic, this.config.kafkaTopicPrefix),
        acks: -1,
        compression: CompressionTypes.None,
        messages,
      }),
    );
    // A failed send must not poison the sends queued after it; its caller sees the error.
    this.chain = next.catch(() => undefined);
    return next.then(() => undefined);
  }
}

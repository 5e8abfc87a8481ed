import { Injectable } from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { IdempotentPublisher } from '@app/kafka';
import { AlertingConfig } from '../alerting.config';

/**
 * Publishes to the notification topics, keyed by incident so an incident's messages share a
 * partition. Sends are chained so two messages about the same incident reach the topic in the
 * order they were decided, whatever their sizes.
 */
@Injectable()
export class NotificationPublisher {
  private readonly publisher: IdempotentPublisher;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
  ) {
    this.publisher = new IdempotentPublisher(kafka, { name: 'NotificationPublisher' });
  }

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }

  /** `headers`: the same on every message (LifecycleTimingHeader, say). */
  lifecycle(messages: LifecycleMessage[], headers?: Record<string, string>): Promise<void> {
    return this.send(
      Topic.Notifications,
      messages.map((message) => ({
        key: message.incident.id,
        value: JSON.stringify(message),
        headers,
      })),
    );
  }

  send(topic: Topic, messages: Message[]): Promise<void> {
    if (messages.length === 0) return this.chain.then(() => undefined);
    const next = this.chain.then(() =>
      this.publisher.send(topicName(topic, this.config.kafkaTopicPrefix), messages),
    );
    // A failed send must not poison the sends queued after it; its caller sees the error.
    this.chain = next.catch(() => undefined);
    return next;
  }
}

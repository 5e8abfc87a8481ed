import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { DeadLetterRecord, Topic, topicName } from '@app/contracts';
import { ConsumerConfig } from '../consumer.config';

/** Publishes rejected messages to `events.dlq`, acknowledged by every in-sync replica. */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  readonly topic: string;

  constructor(kafka: Kafka, config: ConsumerConfig) {
    // Idempotent: a retried send after a lost acknowledgement does not write the record twice.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.topic = topicName(Topic.EventsDlq, config.kafkaTopicPrefix);
  }

  async publish(records: readonly DeadLetterRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.connected ??= this.producer.connect();
    await this.connected;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: records.map((record) => ({
        key: record.key,
        value: record.value,
        headers: record.headers,
      })),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

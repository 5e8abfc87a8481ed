import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { DeadLetterRecord } from '@app/contracts';

/**
 * Publishes rejected messages to a dead-letter topic (`events.dlq`, `notifications.dlq`),
 * acknowledged by every in-sync replica. One producer serves every pipeline of the process.
 */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    // Idempotent: a retried send after a lost acknowledgement does not write the record twice.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(topic: string, records: readonly DeadLetterRecord[]): Promise<void> {
    if (records.length === 0) return;
    // A failed connect is forgotten, so the caller's next retry connects afresh.
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.producer.send({
      topic,
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

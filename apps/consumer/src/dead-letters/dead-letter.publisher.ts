import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { DeadLetterRecord } from '@app/contracts';
import { IdempotentPublisher } from '@app/kafka';
import { fitDeadLetter } from './dead-letter-fit';

/** Broker answers meaning "this batch or record is over max.message.bytes": no retry helps. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
/** The broker's default message.max.bytes, used when the topic's own limit cannot be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/**
 * Publishes rejected messages to a dead-letter topic (`events.dlq`, `notifications.dlq`),
 * keyed as the rejected message was. One publisher serves every pipeline of the process.
 */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('DeadLetterPublisher');
  private readonly publisher: IdempotentPublisher;

  constructor(private readonly kafka: Kafka) {
    this.publisher = new IdempotentPublisher(kafka, { name: 'DeadLetterPublisher' });
  }

  /**
   * Sends the records in one batch. A batch over the topic's max.message.bytes is refused
   * whole, and the same batch would be refused on every retry: it is sent again one record
   * at a time, and a record too large on its own is truncated to fit (see fitDeadLetter).
   */
  async publish(topic: string, records: readonly DeadLetterRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.send(topic, records);
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      if (records.length === 1) return this.sendTruncated(topic, records[0]);
      // Records of partitions whose part of the batch was accepted are sent twice: a
      // duplicate dead letter, as after any replay, rather than a lost one.
      this.logger.warn(
        `${records.length} dead letters too large for ${topic} as one batch; sending them one by one`,
      );
      for (const record of records) await this.publish(topic, [record]);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }

  private async sendTruncated(topic: string, record: DeadLetterRecord): Promise<void> {
    const maxBytes = await this.maxMessageBytes(topic);
    this.logger.warn(
      `a dead letter of ${record.value?.length ?? 0} bytes is over ${topic}'s max.message.bytes (${maxBytes}); its value is truncated to fit`,
    );
    await this.send(topic, [fitDeadLetter(record, maxBytes)]);
  }

  private async send(topic: string, records: readonly DeadLetterRecord[]): Promise<void> {
    await this.publisher.send(
      topic,
      records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
    );
  }

  /** The topic's max.message.bytes (its own setting, or the broker default it inherits). */
  private async maxMessageBytes(topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] },
        ],
      });
      const value = Number(resources[0]?.configEntries[0]?.configValue);
      return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_BYTES;
    } finally {
      await admin.disconnect();
    }
  }
}

/** kafkajs wraps broker errors (a retrier's NonRetriableError around a ProtocolError...). */
function isTooLarge(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (TOO_LARGE.has((e as { type?: string }).type ?? '')) return true;
  }
  return false;
}

import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface TopicFollowerOptions {
  topic: string;
  /** The throwaway group id starts with this, so an operator can tell whose it is. */
  groupPrefix: string;
  onMessage: (message: KafkaMessage, partition: number) => void;
  sessionTimeoutMs?: number;
}

/**
 * Reads a whole topic from its first offset and keeps following it, in every process (no
 * shared group: each process needs all of it, as for a compacted table of rules).
 * `caughtUp` resolves once every partition has been read up to where it ended when the
 * follower started, so a caller can wait for a complete picture before acting on it.
 * Nothing is committed: a restart reads from the start again, which is the point.
 */
export class TopicFollower {
  private readonly consumer: Consumer;
  private readonly logger = new Logger('TopicFollower');
  private readonly remaining = new Map<number, bigint>();
  private markCaughtUp!: () => void;
  readonly caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicFollowerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: `${options.groupPrefix}-${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(this.options.topic)) {
        if (BigInt(high) > BigInt(low)) this.remaining.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    if (this.remaining.size === 0) this.markCaughtUp();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) this.deliver(message, batch.partition);
        const target = this.remaining.get(batch.partition);
        // Compaction can remove offsets, so "reached" means at or past the old end.
        if (target !== undefined && BigInt(batch.lastOffset()) + 1n >= target) {
          this.remaining.delete(batch.partition);
          if (this.remaining.size === 0) this.markCaughtUp();
        }
        return Promise.resolve();
      },
    });
  }

  /**
   * A message its handler throws on is logged and skipped (handlers count what they refuse): thrown out of eachBatch it would be
   * read again and again, the follower would never catch up, and kafkajs would end up crashing.
   */
  private deliver(message: KafkaMessage, partition: number): void {
    try {
      this.options.onMessage(message, partition);
    } catch (error) {
      this.logger.error(
        `${this.options.topic} partition ${partition} offset ${message.offset} skipped: ${String(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { ConsumerCrashRecovery, CrashRecoveryDelays } from './consumer-crash-recovery';
import { ReplaceableConsumer } from './replaceable-consumer';

export interface TopicFollowerOptions {
  topic: string;
  /** The throwaway group id starts with this, so an operator can tell whose it is. */
  groupPrefix: string;
  onMessage: (message: KafkaMessage, partition: number) => void;
  sessionTimeoutMs?: number;
  /** Backoff between attempts to start a new consumer after kafkajs gave one up. */
  recoveryDelays?: CrashRecoveryDelays;
}

/**
 * Reads a whole topic from its first offset and keeps following it, in every process (no
 * shared group: each process needs all of it, as for a compacted table of rules).
 * `caughtUp` resolves once every partition has been read up to where it ended when the
 * follower started, so a caller can wait for a complete picture before acting on it.
 * Nothing is committed: a restart reads from the start again, which is the point. A consumer
 * kafkajs gives up on is replaced in-process by a new one (new throwaway group), which reads
 * from the start again too; what was already delivered is skipped, so each handler sees every
 * record once per process and an old version of a rule is never applied again.
 */
export class TopicFollower {
  private readonly client: ReplaceableConsumer;
  private readonly recovery: ConsumerCrashRecovery;
  private readonly logger = new Logger('TopicFollower');
  private readonly remaining = new Map<number, bigint>();
  /** Per partition, the offset after the last message delivered: a re-read skips below it. */
  private readonly delivered = new Map<number, bigint>();
  private markCaughtUp!: () => void;
  readonly caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicFollowerOptions,
  ) {
    this.client = new ReplaceableConsumer(
      (retry) =>
        kafka.consumer({
          retry,
          groupId: `${options.groupPrefix}-${randomUUID()}`,
          allowAutoTopicCreation: false,
          sessionTimeout: options.sessionTimeoutMs ?? 30000,
          maxWaitTimeInMs: 100,
        }),
      (consumer, generation) => this.follow(consumer, generation),
      this.logger,
    );
    this.recovery = new ConsumerCrashRecovery(
      this.client,
      `${options.topic} follower`,
      this.logger,
      options.recoveryDelays,
    );
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
    await this.client.start();
  }

  private async follow(consumer: Consumer, generation: number): Promise<void> {
    this.recovery.watch(consumer, generation);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await consumer.run({
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
    const offset = BigInt(message.offset);
    if (offset < (this.delivered.get(partition) ?? 0n)) return; // read again after a restart
    this.delivered.set(partition, offset + 1n);
    try {
      this.options.onMessage(message, partition);
    } catch (error) {
      this.logger.error(
        `${this.options.topic} partition ${partition} offset ${message.offset} skipped: ${String(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    this.recovery.stop();
    this.client.markStopped();
    await this.client.consumer.disconnect();
  }
}

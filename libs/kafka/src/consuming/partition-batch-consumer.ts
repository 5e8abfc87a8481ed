import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { BatchAbandoned, DependencyRetrier } from '@app/resilience';
import { ConsumerStallMonitor } from '../consumer-stall-monitor';
import { groupMembershipLost } from '../group-membership';
import { ReplaceableConsumer } from '../replaceable-consumer';
import { batchControls, toPartitionBatch } from './batch-controls';
import { BatchCommits, batchCommits, CommitPolicy } from './commit-policy';
import { CrashPolicy, crashWatch, CrashWatch, terminateProcess } from './crash-policy';
import { FetchSettings, groupConsumerConfig } from './group-consumer-config';
import { PartitionBatchHandler } from './partition-batch';

export interface PartitionBatchConsumerOptions {
  /** Names the consumer in logs and in the stall monitor, e.g. `EventsConsumer`. */
  name: string;
  groupId: string;
  /** Topic -> the handler of its batches; the consumer subscribes to every topic named. */
  handlers: ReadonlyMap<string, PartitionBatchHandler>;
  /** Where a group with no commit starts: the first offset, or the end of the log. */
  fromBeginning: boolean;
  fetch: FetchSettings;
  commit: CommitPolicy;
  /** Waits out dependency outages: the handlers' `controls.retry` and the commits. */
  retrier: DependencyRetrier;
  onCrash: CrashPolicy;
  stallMonitor: Pick<ConsumerStallMonitor, 'watch'>;
  /** The stall timeout when this consumer's commits may rightly wait longer than the monitor's. */
  stallTimeoutMs?: number;
  /** What the start-up line says it does: `<activity> <topics> as group <id>`. */
  activity?: string;
  /** How `onCrash: 'exit'` ends the process (default: SIGTERM to itself, a graceful stop). */
  exitProcess?: () => void;
}

/**
 * A consumer group read one partition batch at a time, committing only what its handlers made
 * durable (see CommitPolicy). The plumbing every group consumer needs lives here once:
 * manual commits, heartbeats through long batches, waiting out a dependency outage with the
 * batch held (controls.retry), abandoning a batch whose partition moved on, the crash policy,
 * the stall monitor's in-process replacement, and the assignment hook (GROUP_JOIN) where a
 * handler rebuilds its state. Each generation of kafkajs consumer is checked with
 * ReplaceableConsumer, so a replaced consumer's late events and batches change nothing.
 */
export class PartitionBatchConsumer {
  private readonly logger: Logger;
  private readonly client: ReplaceableConsumer;
  private readonly commits: BatchCommits;
  private readonly crashes: CrashWatch;
  private readonly topics: string[];
  /**
   * When the current consumer's latest fetch response arrived. kafkajs fetches again only
   * once every batch of the previous response is handled, so with one broker this is the
   * arrival of the batch in hand; with several it is the latest of their fetches.
   */
  private lastFetchAt = 0;

  constructor(
    kafka: Kafka,
    private readonly options: PartitionBatchConsumerOptions,
  ) {
    this.logger = new Logger(options.name);
    this.topics = [...options.handlers.keys()];
    this.client = new ReplaceableConsumer(
      (retry) => kafka.consumer(groupConsumerConfig(options.groupId, options.fetch, retry)),
      (consumer, generation) => this.run(consumer, generation),
      this.logger,
    );
    this.commits = batchCommits(
      options.commit,
      this.topics,
      () => this.client.consumer,
      this.logger,
    );
    this.crashes = crashWatch(
      options.onCrash,
      this.client,
      options.name,
      this.logger,
      options.exitProcess ?? terminateProcess,
    );
  }

  async start(): Promise<void> {
    await this.client.start();
    this.commits.start();
    this.options.stallMonitor.watch({
      name: this.options.name,
      groupId: this.options.groupId,
      topics: this.topics,
      recover: () => this.client.replace(),
      stallTimeoutMs: this.options.stallTimeoutMs,
    });
  }

  /**
   * Moves the current consumer's position on a partition it owns: the batch in progress there
   * turns stale, and kafkajs fetches from `offset` next.
   */
  seek(topic: string, partition: number, offset: bigint): void {
    this.client.consumer.seek({ topic, partition, offset: offset.toString() });
  }

  /** Stops fetching, lets the batches in progress end, drains the handlers, commits, leaves. */
  async stop(): Promise<void> {
    this.crashes.stop();
    this.client.markStopped();
    await this.client.consumer.stop();
    for (const handler of this.options.handlers.values()) await handler.drain?.();
    await this.commits.stop();
    await this.client.consumer.disconnect();
    this.logger.log('consumer stopped');
  }

  private async run(consumer: Consumer, generation: number): Promise<void> {
    this.crashes.watch(consumer, generation);
    consumer.on(consumer.events.FETCH, () => {
      if (this.client.isCurrent(generation)) this.lastFetchAt = Date.now();
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // A consumer being replaced can still complete a join: its assignment is not ours.
      if (!this.client.isCurrent(generation)) return;
      for (const [topic, handler] of this.options.handlers) {
        const owned = payload.memberAssignment[topic] ?? [];
        this.commits.assigned(topic, owned);
        // Synchronous: the assignment's first batch is handled after this.
        handler.onAssigned?.(owned);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.fetch.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consume(payload, consumer, generation),
    });
    const activity = this.options.activity ?? 'consuming';
    this.logger.log(`${activity} ${this.topics.join(', ')} as group ${this.options.groupId}`);
  }

  private async consume(
    payload: EachBatchPayload,
    consumer: Consumer,
    generation: number,
  ): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const handler = this.options.handlers.get(batch.topic);
    if (!handler) throw new Error(`no handler for topic ${batch.topic}`);
    const controls = batchControls(
      payload,
      () => this.client.isCurrent(generation),
      this.options.retrier,
    );
    try {
      const afterBatch = await handler.handleBatch(
        toPartitionBatch(payload, this.lastFetchAt),
        controls,
      );
      await this.commits.handled(payload, consumer, controls);
      await payload.heartbeat();
      afterBatch?.();
    } catch (error) {
      if (error instanceof BatchAbandoned) {
        // Nothing committed: whoever owns the partition next reads this batch again.
        this.logger.warn(
          `${error.message} (${batch.topic} partition ${batch.partition}, from offset ${batch.firstOffset()})`,
        );
        return;
      }
      // Thrown as the broker's own error (not kafkajs' wrapper around it), so kafkajs
      // recognises it and rejoins the group; the batch is read again by its next owner.
      throw groupMembershipLost(error) ?? error;
    }
  }
}

import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload } from 'kafkajs';
import { BatchControls } from './partition-batch';
import { OffsetCommitter } from './offset-committer';
import { OffsetTracker } from './offset-tracker';

/**
 * When offsets are committed:
 * - `after-each-batch`: a batch's work is durable when its handler returns (rows stored in
 *   one statement), so the batch is committed right then, before the next one is fetched.
 * - `tracked`: the handler tells `tracker` which offsets are durable (e.g. incidents the broker
 *   acknowledged, deliveries finished out of order); what is safe is committed every
 *   `intervalMs` and on stop. One topic only.
 */
export type CommitPolicy =
  | { kind: 'after-each-batch' }
  | {
      kind: 'tracked';
      tracker: OffsetTracker;
      intervalMs: number;
      /** Metadata committed with a partition's offset (what that progress was made under). */
      metadataOf?: (partition: number) => string | null;
      /**
       * What an assignment forgets: the progress of partitions now owned elsewhere
       * (`revoked`), or of every partition (`all`), for a handler that starts each
       * assignment over from the group's commits.
       */
      forgetOnAssignment: 'revoked' | 'all';
    };

/** One commit policy at work for a PartitionBatchConsumer. */
export interface BatchCommits {
  start(): void;
  /** A new assignment of the current consumer: `owned` partitions of the topic. */
  assigned(topic: string, owned: number[]): void;
  /** The handler is done with the batch (it did not throw). */
  handled(payload: EachBatchPayload, consumer: Consumer, controls: BatchControls): Promise<void>;
  /** The final commit (fetching has stopped). */
  stop(): Promise<void>;
}

export function batchCommits(
  policy: CommitPolicy,
  topics: readonly string[],
  consumer: () => Consumer,
  logger: Logger,
): BatchCommits {
  if (policy.kind === 'after-each-batch') return new CommitAfterEachBatch();
  if (topics.length !== 1) throw new Error('tracked commits follow one topic');
  return new TrackedCommits(policy, topics[0], consumer, logger);
}

class CommitAfterEachBatch implements BatchCommits {
  start(): void {}

  assigned(): void {}

  async handled(payload: EachBatchPayload, consumer: Consumer, controls: BatchControls) {
    const { batch } = payload;
    payload.resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    // Through the consumer that fetched the batch: a replacement has its own membership.
    await controls.retry('kafka', () =>
      consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]),
    );
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

class TrackedCommits implements BatchCommits {
  private readonly committer: OffsetCommitter;

  constructor(
    private readonly policy: Extract<CommitPolicy, { kind: 'tracked' }>,
    topic: string,
    consumer: () => Consumer,
    logger: Logger,
  ) {
    this.committer = new OffsetCommitter(
      consumer,
      topic,
      policy.tracker,
      logger,
      policy.metadataOf,
    );
  }

  start(): void {
    this.committer.start(this.policy.intervalMs);
  }

  assigned(_topic: string, owned: number[]): void {
    const kept = new Set(this.policy.forgetOnAssignment === 'revoked' ? owned : []);
    this.committer.forget(this.policy.tracker.partitions().filter((p) => !kept.has(p)));
  }

  handled(payload: EachBatchPayload): Promise<void> {
    // Resolving moves kafkajs' fetch position on; what is committed is the tracker's to say.
    // A stale batch is left alone: kafkajs reads on from the sought offset.
    if (!payload.isStale()) payload.resolveOffset(payload.batch.lastOffset());
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.committer.stop();
    await this.committer.flush();
  }
}

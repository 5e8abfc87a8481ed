import { KafkaMessage } from 'kafkajs';
import { BatchContext, Dependency } from '@app/resilience';

/** One partition's messages, as fetched; never empty. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  readonly firstOffset: string;
  /** The batch's last offset, including records kafkajs filtered out (transaction markers). */
  readonly lastOffset: string;
  /**
   * When the fetch response holding the batch arrived (epoch ms): the time from here to the
   * handler's start is the batch's wait behind the other partitions of the same fetch.
   */
  readonly fetchedAt: number;
}

/**
 * What a handler may do while it holds a batch. As a BatchContext it can be given to a
 * DependencyRetrier: `heartbeat` keeps the group membership, `isActive` turns false once the
 * consumer stops, the consumer was replaced, or a seek made the batch stale.
 */
export interface BatchControls extends BatchContext {
  /** A seek is pending for the partition: kafkajs reads it again from the sought offset. */
  isStale(): boolean;
  /**
   * Runs `operation` until it succeeds, waiting out an outage of `dependency` with the
   * project's backoff: the partition pauses (nothing more is fetched for it and nothing is
   * committed), the membership is kept by heartbeats, and it resumes by itself once the
   * dependency answers. Throws BatchAbandoned once the batch is no longer active; the
   * consumer treats that as "leave the batch uncommitted for the partition's next owner".
   */
  // A property, not a method: handlers pass it on to what runs their dependency calls.
  readonly retry: <T>(dependency: Dependency, operation: () => Promise<T>) => Promise<T>;
  /** Waits for `work`, heartbeating meanwhile, so a long wait does not cost the membership. */
  heartbeatWhile<T>(work: Promise<T>): Promise<T>;
}

/**
 * Called once the consumer has finished with the batch: committed (after-each-batch policy)
 * or resolved (tracked policy). For what must count committed work only, such as metrics.
 */
export type AfterBatch = () => void;

/** What a service writes to consume a topic: the rest is PartitionBatchConsumer's. */
export interface PartitionBatchHandler {
  /**
   * Does the batch's work. Under the after-each-batch policy the batch is committed once this
   * resolves, so the work must be durable by then; under the tracked policy the handler tells
   * the OffsetTracker what is durable. Throwing leaves the batch uncommitted: kafkajs reads it
   * again (BatchAbandoned: the partition's next owner does).
   */
  handleBatch(batch: PartitionBatch, controls: BatchControls): Promise<AfterBatch | void>;
  /**
   * The current consumer was assigned these partitions of the handler's topic (GROUP_JOIN),
   * before any batch of the new assignment is handled: where a handler rebuilds its state.
   */
  onAssigned?(partitions: number[]): void;
  /** On stop, once fetching stopped and before the final commit: finish work in progress. */
  drain?(): Promise<void>;
}

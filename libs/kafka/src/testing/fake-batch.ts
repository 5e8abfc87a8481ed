import { KafkaMessage } from 'kafkajs';
import { DependencyRetrier } from '@app/resilience';
import { BatchControls, PartitionBatch } from '../consuming/partition-batch';

/** A batch of one partition, as PartitionBatchConsumer hands it to a handler. */
export function fakeBatch(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
): PartitionBatch {
  if (messages.length === 0) throw new Error('a handler never gets an empty batch');
  return {
    topic,
    partition,
    messages,
    firstOffset: messages[0].offset,
    lastOffset: messages[messages.length - 1].offset,
    fetchedAt: Date.now(),
  };
}

export interface FakeBatchControls extends BatchControls {
  /** Heartbeats sent so far. */
  readonly heartbeats: number;
  /** Makes the batch inactive from now on (consumer stopping, partition moved on). */
  deactivate(): void;
}

/**
 * Controls for unit tests of handlers. `retry` goes through `retrier` when one is given (give
 * it an instant sleep), or runs the operation once.
 */
export function fakeBatchControls(retrier?: DependencyRetrier): FakeBatchControls {
  let active = true;
  let heartbeats = 0;
  const controls: FakeBatchControls = {
    get heartbeats() {
      return heartbeats;
    },
    deactivate: () => (active = false),
    heartbeat: () => {
      heartbeats++;
      return Promise.resolve();
    },
    isActive: () => active,
    isStale: () => false,
    retry: (dependency, operation) =>
      retrier ? retrier.run(dependency, controls, operation) : operation(),
    heartbeatWhile: (work) => work,
  };
  return controls;
}

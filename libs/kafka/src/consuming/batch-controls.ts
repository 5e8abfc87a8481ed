import { EachBatchPayload } from 'kafkajs';
import { BatchContext, DependencyRetrier } from '@app/resilience';
import { BatchControls, PartitionBatch } from './partition-batch';

/** How often a handler waiting with `heartbeatWhile` heartbeats (kafkajs sends at most one per heartbeat interval). */
const WAITING_HEARTBEAT_MS = 1000;

export function toPartitionBatch(payload: EachBatchPayload, fetchedAt: number): PartitionBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: batch.messages,
    firstOffset: batch.firstOffset() ?? batch.messages[0].offset,
    lastOffset: batch.lastOffset(),
    fetchedAt,
  };
}

/** The controls of one batch, fetched by the consumer of `isCurrent`'s generation. */
export function batchControls(
  payload: EachBatchPayload,
  isCurrent: () => boolean,
  retrier: DependencyRetrier,
): BatchControls {
  const context: BatchContext = {
    heartbeat: () => payload.heartbeat(),
    isActive: () => payload.isRunning() && !payload.isStale() && isCurrent(),
  };
  return {
    ...context,
    isStale: () => payload.isStale(),
    retry: (dependency, operation) => retrier.run(dependency, context, operation),
    heartbeatWhile: async (work) => {
      const timer = setInterval(
        () => void payload.heartbeat().catch(() => undefined),
        WAITING_HEARTBEAT_MS,
      );
      try {
        return await work;
      } finally {
        clearInterval(timer);
      }
    },
  };
}

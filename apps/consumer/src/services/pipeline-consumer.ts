import { Kafka } from 'kafkajs';
import { ConsumerStallMonitor, PartitionBatchConsumer } from '@app/kafka';
import { DependencyRetrier } from '@app/resilience';
import { ConsumerConfig } from '../consumer.config';
import { BatchPipeline } from '../pipelines/batch-pipeline';
import { BatchPersister } from './batch-persister';
import { DeadLetterSink, PipelineBatchHandler } from './pipeline-batch-handler';

export interface PipelineConsumerOptions {
  /** Logger context and stall-monitor name, e.g. `EventsConsumer`. */
  name: string;
  groupId: string;
  /** Broker topic name -> the pipeline for its messages. */
  pipelines: ReadonlyMap<string, BatchPipeline<unknown>>;
  deadLetterTopic: string;
}

/**
 * One consumer group of the consumer service: every topic it reads goes through a
 * PipelineBatchHandler, and each batch is committed once its rows and dead letters are durable.
 */
export function pipelineConsumer(
  kafka: Kafka,
  config: ConsumerConfig,
  retrier: DependencyRetrier,
  deadLetters: DeadLetterSink,
  stallMonitor: ConsumerStallMonitor,
  options: PipelineConsumerOptions,
): PartitionBatchConsumer {
  const persister = new BatchPersister();
  const handlerOptions = {
    name: options.name,
    deadLetterTopic: options.deadLetterTopic,
    service: `consumer/${options.groupId}`,
  };
  const handlers = new Map(
    [...options.pipelines].map(([topic, pipeline]) => [
      topic,
      new PipelineBatchHandler(pipeline, persister, deadLetters, handlerOptions),
    ]),
  );
  return new PartitionBatchConsumer(kafka, {
    name: options.name,
    groupId: options.groupId,
    handlers,
    // A new group stores what was published before it first started.
    fromBeginning: true,
    // kafkajs' minBytes stays 1: the broker answers a fetch as soon as one message is there,
    // so maxWaitTimeInMs only bounds the poll of an idle partition and adds no latency. A
    // minBytes of 64 KiB (with a 50 ms wait) made larger batches at 10,000 events/s but kept
    // each event waiting for the rest: p50 33 ms instead of 27-31 (bench:pipeline).
    fetch: {
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxWaitTimeInMs: 250,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxFetchBytes,
    },
    commit: { kind: 'after-each-batch' },
    retrier,
    onCrash: 'exit',
    stallMonitor,
  });
}

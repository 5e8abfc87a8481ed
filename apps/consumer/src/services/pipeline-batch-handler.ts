import { Logger } from '@nestjs/common';
import { buildDeadLetter, DeadLetterRecord, DeadLetterStage } from '@app/contracts';
import { AfterBatch, BatchControls, PartitionBatch, PartitionBatchHandler } from '@app/kafka';
import { BatchPipeline } from '../pipelines/batch-pipeline';
import { decodeBatch } from './batch-decoder';
import { BatchPersister, PoisonedMessage } from './batch-persister';

/** Where a handler's dead letters go: the DeadLetterPublisher, or a fake in tests. */
export interface DeadLetterSink {
  publish(topic: string, records: readonly DeadLetterRecord[]): Promise<void>;
}

export interface PipelineBatchHandlerOptions {
  /** Logger context, e.g. `EventsConsumer`. */
  name: string;
  deadLetterTopic: string;
  /** Names the consumer in DLQ headers: `consumer/<group id>`. */
  service: string;
}

/**
 * One consumed topic's batches: decode -> store the valid rows (one statement) -> dead-letter
 * the rest. It returns once the rows and the DLQ records it covers are durable, and the batch
 * is committed right after (PartitionBatchConsumer, policy after-each-batch), so a crash at any
 * point replays the batch and the pipeline's idempotent statement absorbs the replay. Only the
 * pipeline differs from one topic to another.
 */
export class PipelineBatchHandler<Row> implements PartitionBatchHandler {
  private readonly logger: Logger;

  constructor(
    private readonly pipeline: BatchPipeline<Row>,
    private readonly persister: BatchPersister,
    private readonly deadLetters: DeadLetterSink,
    private readonly options: PipelineBatchHandlerOptions,
  ) {
    this.logger = new Logger(options.name);
  }

  async handleBatch(batch: PartitionBatch, controls: BatchControls): Promise<AfterBatch> {
    const { pipeline, options } = this;
    const started = performance.now();
    const decoded = decodeBatch(
      batch.topic,
      batch.partition,
      batch.messages,
      pipeline,
      options.service,
    );
    if (decoded.undecodable > 0) {
      this.logger.error(
        `${decoded.undecodable} message(s) of ${batch.topic} partition ${batch.partition} from offset ${batch.firstOffset} could not be decoded; dead-lettered at stage decode`,
      );
    }
    const { changed, poisoned, conflicts } = await this.persister.persist(
      pipeline,
      decoded.accepted,
      controls.retry,
    );
    const deadLetter = (p: PoisonedMessage<Row>, stage: DeadLetterStage) =>
      buildDeadLetter(p.message.original, [p.reason], stage, options.service);
    const deadLetters = decoded.rejected.concat(
      poisoned.map((p) => deadLetter(p, DeadLetterStage.Persistence)),
      conflicts.map((p) => deadLetter(p, DeadLetterStage.Conflict)),
    );
    if (conflicts.length > 0) {
      this.logger.warn(
        `${conflicts.length} ${pipeline.noun}(s) dead-lettered as conflicts, e.g. ${conflicts[0].reason} (${batch.topic} partition ${batch.partition} offset ${conflicts[0].message.original.offset})`,
      );
    }
    await controls.retry('kafka', () =>
      this.deadLetters.publish(options.deadLetterTopic, deadLetters),
    );
    // Counted once committed: a batch replayed after a crash is counted by its next reader.
    return () =>
      pipeline.recordBatch({
        messages: batch.messages.length,
        accepted: decoded.accepted,
        changed,
        rejected: decoded.rejected.length - decoded.undecodable,
        undecodable: decoded.undecodable,
        poisoned: poisoned.length,
        conflicts: conflicts.length,
        seconds: (performance.now() - started) / 1000,
      });
  }
}

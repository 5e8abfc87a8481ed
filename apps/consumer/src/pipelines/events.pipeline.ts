import { DeadLetterSource, DeadLetterStage, decodeEventMessage, EventLimits } from '@app/contracts';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { EventBatchRepository, PersistableEvent } from '../repositories/event-batch.repository';
import { BatchOutcome, BatchPipeline, MessageDecoding } from './batch-pipeline';

export interface DecodedEvent extends PersistableEvent {
  /** Received in the legacy `{event_type, event_payload}` shape (counted, then stored as v1). */
  legacy: boolean;
}

/** `events` -> the `events` table and its per-minute rollups. */
export class EventsPipeline implements BatchPipeline<DecodedEvent> {
  readonly noun = 'event';

  constructor(
    private readonly repository: EventBatchRepository,
    private readonly limits: EventLimits,
    private readonly metrics: ConsumerMetrics,
  ) {}

  decode(message: DeadLetterSource): MessageDecoding<DecodedEvent> {
    const result = decodeEventMessage(message, this.limits);
    if (!result.ok) return result;
    return {
      ok: true,
      row: {
        event: result.event,
        partition: message.partition,
        offset: message.offset,
        legacy: result.legacy,
      },
    };
  }

  store(rows: DecodedEvent[]): Promise<number> {
    return this.repository.insertBatch(rows);
  }

  recordBatch(outcome: BatchOutcome<DecodedEvent>): void {
    const { metrics } = this;
    metrics.consumed.inc(outcome.messages);
    metrics.persisted.inc(outcome.changed);
    metrics.duplicates.inc(outcome.accepted.length - outcome.poisoned - outcome.changed);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, outcome.rejected);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Decode }, outcome.undecodable);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, outcome.poisoned);
    metrics.legacy.inc(outcome.accepted.filter((m) => m.row.legacy).length);
    metrics.batchSize.observe(outcome.messages);
    metrics.batchDuration.observe(outcome.seconds);
  }
}

import { DeadLetterSource, DeadLetterStage, EventIdDeriver, EventLimits } from '@app/contracts';
// From its own file, not the contracts' index: the index's exports object is a dictionary of
// getters to V8, so a call through it per message was a lookup (docs/benchmarks.md).
import { decodeStorableEvent } from '@app/contracts/event-decoder';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import {
  EventBatchRepository,
  PersistableEvent,
  persistableEvent,
} from '../repositories/event-batch.repository';
import { BatchOutcome, BatchPipeline, MessageDecoding, RowConflict } from './batch-pipeline';

export interface DecodedEvent extends PersistableEvent {
  /** Received in the legacy `{event_type, event_payload}` shape (counted, then stored as v1). */
  legacy?: true;
}

/** `events` -> the `events` table and its per-minute rollups. */
export class EventsPipeline implements BatchPipeline<DecodedEvent> {
  readonly noun = 'event';

  constructor(
    private readonly repository: EventBatchRepository,
    private readonly limits: EventLimits,
    private readonly eventIds: EventIdDeriver,
    private readonly metrics: ConsumerMetrics,
  ) {}

  decode(message: DeadLetterSource): MessageDecoding<DecodedEvent> {
    const result = decodeStorableEvent(message, this.limits, this.eventIds);
    if (!result.ok) return result;
    const row: DecodedEvent = persistableEvent(
      result.event,
      message.partition,
      message.offset,
      result.payloadJson,
      result.occurredAtIso,
    );
    // Only on the rare legacy row: every other row keeps the one shape persistableEvent makes.
    if (result.legacy) row.legacy = true;
    return { ok: true, row };
  }

  store(rows: DecodedEvent[]): Promise<number> {
    return this.repository.insertBatch(rows);
  }

  /**
   * An id stored with other content is not a redelivery: dropping the event silently would
   * lose it (a producer reusing ids, or an id claimed first by someone else's event).
   */
  async findConflicts(rows: DecodedEvent[]): Promise<RowConflict[]> {
    const indexes = await this.repository.findConflicts(rows);
    return indexes.map((index) => ({
      index,
      reason: `id ${rows[index].id} already stored with different content`,
    }));
  }

  recordBatch(outcome: BatchOutcome<DecodedEvent>): void {
    const { metrics } = this;
    metrics.consumed.inc(outcome.messages);
    metrics.persisted.inc(outcome.changed);
    metrics.duplicates.inc(
      outcome.accepted.length - outcome.poisoned - outcome.conflicts - outcome.changed,
    );
    metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, outcome.rejected);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Decode }, outcome.undecodable);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, outcome.poisoned);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Conflict }, outcome.conflicts);
    metrics.legacy.inc(outcome.accepted.filter((m) => m.row.legacy).length);
    metrics.batchSize.observe(outcome.messages);
    metrics.batchDuration.observe(outcome.seconds);
  }
}

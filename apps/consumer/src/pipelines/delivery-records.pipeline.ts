import {
  DeadLetterSource,
  DeadLetterStage,
  decodeDeliveryRecord,
  DeliveryRecord,
  Topic,
} from '@app/contracts';
import { NotificationsMetrics } from '../metrics/notifications.metrics';
import { DeliveryRepository } from '../repositories/delivery.repository';
import { BatchOutcome, BatchPipeline, MessageDecoding } from './batch-pipeline';

/** `notifications.deliveries` -> the `deliveries` table, each attempt once. */
export class DeliveryRecordsPipeline implements BatchPipeline<DeliveryRecord> {
  readonly noun = 'delivery record';

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly metrics: NotificationsMetrics,
  ) {}

  decode(message: DeadLetterSource): MessageDecoding<DeliveryRecord> {
    const result = decodeDeliveryRecord(message.value);
    return result.ok ? { ok: true, row: result.value } : result;
  }

  store(rows: DeliveryRecord[]): Promise<number> {
    return this.repository.insert(rows);
  }

  recordBatch(outcome: BatchOutcome<DeliveryRecord>): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic: Topic.NotificationDeliveries }, outcome.messages);
    metrics.deliveriesStored.inc(outcome.changed);
    metrics.deliveriesDuplicate.inc(outcome.accepted.length - outcome.poisoned - outcome.changed);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, outcome.rejected);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Decode }, outcome.undecodable);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, outcome.poisoned);
  }
}

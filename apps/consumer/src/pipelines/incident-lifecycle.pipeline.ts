import { DeadLetterSource, DeadLetterStage, decodeLifecycleMessage, Topic } from '@app/contracts';
import { NotificationsMetrics } from '../metrics/notifications.metrics';
import { IncidentRepository, IncidentUpdate } from '../repositories/incident.repository';
import { BatchOutcome, BatchPipeline, MessageDecoding } from './batch-pipeline';

/** `notifications` (lifecycle messages) -> the `incidents` table, forward only. */
export class IncidentLifecyclePipeline implements BatchPipeline<IncidentUpdate> {
  readonly noun = 'incident';

  constructor(
    private readonly repository: IncidentRepository,
    private readonly metrics: NotificationsMetrics,
  ) {}

  decode(message: DeadLetterSource): MessageDecoding<IncidentUpdate> {
    const result = decodeLifecycleMessage(message.value);
    if (!result.ok) return result;
    const { at, incident } = result.value;
    return { ok: true, row: { incident, at } };
  }

  store(rows: IncidentUpdate[]): Promise<number> {
    return this.repository.upsert(rows);
  }

  recordBatch(outcome: BatchOutcome<IncidentUpdate>): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic: Topic.Notifications }, outcome.messages);
    metrics.incidentsUpserted.inc(outcome.changed);
    metrics.lifecycleUnchanged.inc(outcome.accepted.length - outcome.poisoned - outcome.changed);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, outcome.rejected);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Decode }, outcome.undecodable);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, outcome.poisoned);
  }
}

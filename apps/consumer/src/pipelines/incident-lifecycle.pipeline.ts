import {
  DeadLetterSource,
  DeadLetterStage,
  decodeLifecycleMessage,
  isIncidentTransition,
  Topic,
} from '@app/contracts';
import { NotificationsMetrics } from '../metrics/notifications.metrics';
import { IncidentRepository, IncidentUpdate } from '../repositories/incident.repository';
import { BatchOutcome, BatchPipeline, MessageDecoding } from './batch-pipeline';

/**
 * `notifications` (lifecycle messages) -> the `incidents` table, forward only. A suppression
 * notice (`incidents.suppressed`) is valid but changes no incident: it is accepted as a null
 * row and not stored.
 */
export class IncidentLifecyclePipeline implements BatchPipeline<IncidentUpdate | null> {
  readonly noun = 'incident';

  constructor(
    private readonly repository: IncidentRepository,
    private readonly metrics: NotificationsMetrics,
  ) {}

  decode(message: DeadLetterSource): MessageDecoding<IncidentUpdate | null> {
    const result = decodeLifecycleMessage(message.value);
    if (!result.ok) return result;
    if (!isIncidentTransition(result.value)) return { ok: true, row: null };
    const { at, incident } = result.value;
    return { ok: true, row: { incident, at } };
  }

  store(rows: Array<IncidentUpdate | null>): Promise<number> {
    return this.repository.upsert(rows.filter((row) => row !== null));
  }

  recordBatch(outcome: BatchOutcome<IncidentUpdate | null>): void {
    const { metrics } = this;
    metrics.consumed.inc({ topic: Topic.Notifications }, outcome.messages);
    metrics.incidentsUpserted.inc(outcome.changed);
    metrics.lifecycleUnchanged.inc(outcome.accepted.length - outcome.poisoned - outcome.changed);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, outcome.rejected);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Decode }, outcome.undecodable);
    metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, outcome.poisoned);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** What an operator watches on the notifications pipeline: incidents and deliveries stored. */
@Injectable()
export class NotificationsMetrics {
  readonly consumed: Counter<'topic'>;
  readonly incidentsUpserted: Counter;
  readonly lifecycleUnchanged: Counter;
  readonly deliveriesStored: Counter;
  readonly deliveriesDuplicate: Counter;
  readonly deadLettered: Counter<'stage'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'eventmon_notifications_consumed_total',
      help: 'Kafka messages read, by topic (notifications, notifications.deliveries)',
      labelNames: ['topic'],
      registers,
    });
    this.incidentsUpserted = new Counter({
      name: 'eventmon_incidents_upserted_total',
      help: 'Incident rows inserted or moved forward by a lifecycle message',
      registers,
    });
    this.lifecycleUnchanged = new Counter({
      name: 'eventmon_incident_messages_unchanged_total',
      help: 'Lifecycle messages that changed no row: redelivered, older than the stored incident, or superseded in their batch',
      registers,
    });
    this.deliveriesStored = new Counter({
      name: 'eventmon_deliveries_stored_total',
      help: 'Delivery records inserted into PostgreSQL',
      registers,
    });
    this.deliveriesDuplicate = new Counter({
      name: 'eventmon_deliveries_duplicate_total',
      help: 'Delivery records already stored (redeliveries), skipped',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'eventmon_notifications_dead_lettered_total',
      help: 'Messages sent to the notifications DLQ, by stage (validation, decode, persistence)',
      labelNames: ['stage'],
      registers,
    });
  }
}

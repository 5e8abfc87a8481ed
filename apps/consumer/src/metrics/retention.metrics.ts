import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** What an operator watches on partition maintenance and retention (RetentionService). */
@Injectable()
export class RetentionMetrics {
  readonly passes: Counter<'outcome'>;
  readonly partitionsCreated: Counter;
  readonly partitionsDropped: Counter;
  readonly rowsMoved: Counter;
  readonly rowsDeleted: Counter<'table'>;
  readonly lastPassDuration: Gauge;
  readonly lastPassTime: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.passes = new Counter({
      name: 'eventmon_retention_passes_total',
      help: 'Retention passes, by outcome (done, failed: a step failed, skipped: another replica held the lock)',
      labelNames: ['outcome'],
      registers,
    });
    this.partitionsCreated = new Counter({
      name: 'eventmon_retention_partitions_created_total',
      help: 'Day partitions of events created',
      registers,
    });
    this.partitionsDropped = new Counter({
      name: 'eventmon_retention_partitions_dropped_total',
      help: 'Day partitions of events dropped past EVENTS_RETENTION_DAYS',
      registers,
    });
    this.rowsMoved = new Counter({
      name: 'eventmon_retention_rows_moved_total',
      help: 'Events moved from the DEFAULT partition into a day partition created for them',
      registers,
    });
    this.rowsDeleted = new Counter({
      name: 'eventmon_retention_rows_deleted_total',
      help: 'Expired rows deleted, by table (events: from the DEFAULT partition only)',
      labelNames: ['table'],
      registers,
    });
    this.lastPassDuration = new Gauge({
      name: 'eventmon_retention_last_pass_duration_seconds',
      help: 'How long the last pass this process ran took (not counting skipped ones)',
      registers,
    });
    this.lastPassTime = new Gauge({
      name: 'eventmon_retention_last_pass_timestamp_seconds',
      help: 'When the last pass this process ran ended, in Unix seconds (not counting skipped ones)',
      registers,
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** What an operator watches on the consumer: flow in, rows out, rejects, and stalls. */
@Injectable()
export class ConsumerMetrics {
  readonly consumed: Counter;
  readonly persisted: Counter;
  readonly duplicates: Counter;
  readonly deadLettered: Counter<'stage'>;
  readonly legacy: Counter;
  readonly batchSize: Histogram;
  readonly batchDuration: Histogram;
  readonly retries: Counter<'dependency'>;
  readonly waitingForDependency: Gauge<'dependency'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'eventmon_events_consumed_total',
      help: 'Kafka messages read from the events topic',
      registers,
    });
    this.persisted = new Counter({
      name: 'eventmon_events_persisted_total',
      help: 'Events inserted into PostgreSQL',
      registers,
    });
    this.duplicates = new Counter({
      name: 'eventmon_events_duplicate_total',
      help: 'Valid events already stored with the same content (redeliveries), skipped',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'eventmon_events_dead_lettered_total',
      help: 'Messages sent to the events DLQ, by stage (validation, persistence, conflict)',
      labelNames: ['stage'],
      registers,
    });
    this.legacy = new Counter({
      name: 'eventmon_events_legacy_total',
      help: 'Events received in the legacy shape',
      registers,
    });
    this.batchSize = new Histogram({
      name: 'eventmon_consumer_batch_size',
      help: 'Messages per processed batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'eventmon_consumer_batch_duration_seconds',
      help: 'Time from receiving a batch to committing its offsets',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.retries = new Counter({
      name: 'eventmon_consumer_retries_total',
      help: 'Retried operations while a dependency was failing',
      labelNames: ['dependency'],
      registers,
    });
    this.waitingForDependency = new Gauge({
      name: 'eventmon_consumer_waiting',
      help: '1 while consumption is paused waiting for a dependency (database, kafka)',
      labelNames: ['dependency'],
      registers,
    });
  }
}

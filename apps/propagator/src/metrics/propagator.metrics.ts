import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { PublishObserver } from '../services/publish-observer';

/** What an operator watches on the propagator: events out, failures, and backpressure. */
@Injectable()
export class PropagatorMetrics implements PublishObserver {
  readonly publishedEvents: Counter<'type'>;
  readonly sendErrors: Counter;
  readonly inFlight: Gauge;
  readonly sendDuration: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.publishedEvents = new Counter({
      name: 'eventmon_propagator_events_published_total',
      help: 'Events acknowledged by the sink (Kafka, or the HTTP endpoint), by event type',
      labelNames: ['type'],
      registers,
    });
    this.sendErrors = new Counter({
      name: 'eventmon_propagator_send_errors_total',
      help: 'Batches whose send failed after the Kafka client (or the http sink) gave up retrying',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'eventmon_propagator_in_flight',
      help: 'Batches being sent; at the configured maximum, generation waits for Kafka',
      registers,
    });
    this.sendDuration = new Histogram({
      name: 'eventmon_propagator_send_duration_seconds',
      help: 'Time for one batch to be acknowledged by the sink (or to fail)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  published(type: string, count: number): void {
    this.publishedEvents.inc({ type }, count);
  }

  sendFailed(): void {
    this.sendErrors.inc();
  }

  inFlightChanged(delta: number): void {
    this.inFlight.inc(delta);
  }

  sendCompleted(seconds: number): void {
    this.sendDuration.observe(seconds);
  }
}

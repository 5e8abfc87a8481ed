import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { Clock, systemClock } from './generation/clock';
import { CLOCK, RANDOM } from './generation/clock.provider';
import { HostMetricsSampler } from './host/host-metrics.sampler';
import { systemProbe } from './host/host-probe';
import { HostMetricsGauges } from './metrics/host-metrics.gauges';
import { PropagatorMetrics } from './metrics/propagator.metrics';
import { PropagatorConfig } from './propagator.config';
import { EventsTopicPublisher } from './publishing/events-topic.publisher';
import { eventsSink } from './publishing/events-sink';
import { HostMetricsReporter } from './services/host-metrics.reporter';
import { PropagatorService } from './services/propagator.service';
import { PublishPipeline } from './services/publish-pipeline';
import { LoadWorkers } from './workers/load-workers.service';
import { SimulatedSources } from './services/simulated-sources';
import { TemplateCatalog } from './templates/template-catalog';

@Module({})
export class PropagatorModule {
  /** The templates are loaded (and validated) by main() before anything connects. */
  static forRoot(config: PropagatorConfig, catalog: TemplateCatalog): DynamicModule {
    return {
      module: PropagatorModule,
      imports: [
        MetricsModule.forRoot('propagator'),
        KafkaModule.forRoot({
          connection: config,
          clientId: 'eventmon-propagator',
          logLevel: config.logLevel,
          stallTimeoutMs: config.kafkaStallTimeoutMs,
        }),
        HealthModule.forRoot({ database: false }),
      ],
      providers: [
        { provide: PropagatorConfig, useValue: config },
        { provide: TemplateCatalog, useValue: catalog },
        { provide: CLOCK, useValue: systemClock },
        { provide: RANDOM, useValue: Math.random },
        {
          provide: HostMetricsSampler,
          useFactory: () => new HostMetricsSampler(systemProbe, config.diskPath),
        },
        PropagatorMetrics,
        HostMetricsGauges,
        EventsTopicPublisher,
        {
          provide: PublishPipeline,
          inject: [EventsTopicPublisher, PropagatorMetrics, CLOCK],
          // Interval and host events: a failed send is dropped, the next ones follow anyway.
          useFactory: (publisher: EventsTopicPublisher, metrics: PropagatorMetrics, clock: Clock) =>
            new PublishPipeline(
              eventsSink(config, publisher, clock),
              metrics,
              { maxInFlight: config.maxInFlight, retryUntilDelivered: false },
              clock,
            ),
        },
        SimulatedSources,
        LoadWorkers,
        HostMetricsReporter,
        PropagatorService,
      ],
    };
  }
}

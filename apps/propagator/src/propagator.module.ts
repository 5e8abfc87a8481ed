import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { createKafkaClient, KafkaHealthIndicator } from '@app/kafka';
import { HEALTH_CHECKS, HealthController, MetricsModule } from '@app/observability';
import { Clock, systemClock } from './generation/clock';
import { CLOCK, RANDOM } from './generation/clock.provider';
import { HostMetricsSampler } from './host/host-metrics.sampler';
import { systemProbe } from './host/host-probe';
import { PropagatorMetrics } from './metrics/propagator.metrics';
import { PropagatorConfig } from './propagator.config';
import { EventsTopicPublisher } from './repositories/events-topic.publisher';
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
      imports: [MetricsModule.forRoot('propagator'), TerminusModule],
      controllers: [HealthController],
      providers: [
        { provide: PropagatorConfig, useValue: config },
        { provide: TemplateCatalog, useValue: catalog },
        { provide: CLOCK, useValue: systemClock },
        { provide: RANDOM, useValue: Math.random },
        {
          provide: Kafka,
          useFactory: () =>
            createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'eventmon-propagator' }),
        },
        KafkaHealthIndicator,
        {
          provide: HEALTH_CHECKS,
          inject: [KafkaHealthIndicator],
          useFactory: (kafka: KafkaHealthIndicator) => [() => kafka.check('kafka')],
        },
        {
          provide: HostMetricsSampler,
          useFactory: () => new HostMetricsSampler(systemProbe, config.diskPath),
        },
        PropagatorMetrics,
        EventsTopicPublisher,
        {
          provide: PublishPipeline,
          inject: [EventsTopicPublisher, PropagatorMetrics, CLOCK],
          // Interval and host events: a failed send is dropped, the next ones follow anyway.
          useFactory: (publisher: EventsTopicPublisher, metrics: PropagatorMetrics, clock: Clock) =>
            new PublishPipeline(
              publisher,
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

import { DynamicModule, Module } from '@nestjs/common';
import { databaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { ConsumerConfig } from './consumer.config';
import { ConsumerMetrics } from './metrics/consumer.metrics';
import { NotificationsMetrics } from './metrics/notifications.metrics';
import { RetentionMetrics } from './metrics/retention.metrics';
import { RetentionService } from './retention/retention.service';
import { DeadLetterPublisher } from './dead-letters/dead-letter.publisher';
import { DeliveryRepository } from './repositories/delivery.repository';
import { EventBatchRepository } from './repositories/event-batch.repository';
import { IncidentRepository } from './repositories/incident.repository';
import { DependencyRetrier } from '@app/resilience';
import { EventsConsumerService } from './services/events-consumer.service';
import { NotificationsConsumerService } from './services/notifications-consumer.service';
import { reportingRetryHooks } from './services/retry-reporting';

@Module({})
export class ConsumerModule {
  static forRoot(config: ConsumerConfig): DynamicModule {
    return {
      module: ConsumerModule,
      imports: [
        MetricsModule.forRoot('consumer'),
        KafkaModule.forRoot({
          connection: config,
          clientId: 'eventmon-consumer',
          logLevel: config.logLevel,
          stallTimeoutMs: config.kafkaStallTimeoutMs,
        }),
        databaseModule({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: 'eventmon-consumer',
        }),
        HealthModule.forRoot({ database: true }),
      ],
      providers: [
        { provide: ConsumerConfig, useValue: config },
        ConsumerMetrics,
        NotificationsMetrics,
        RetentionMetrics,
        RetentionService,
        {
          // One retrier for both pipelines, so the "waiting" gauge sees every waiting batch.
          provide: DependencyRetrier,
          inject: [ConsumerMetrics],
          useFactory: (metrics: ConsumerMetrics) =>
            new DependencyRetrier(config.retryMaxDelayMs, reportingRetryHooks(metrics)),
        },
        EventBatchRepository,
        IncidentRepository,
        DeliveryRepository,
        DeadLetterPublisher,
        EventsConsumerService,
        NotificationsConsumerService,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { databaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { ConsumerConfig } from './consumer.config';
import { ConsumerMetrics } from './metrics/consumer.metrics';
import { DeadLetterPublisher } from './repositories/dead-letter.publisher';
import { EventBatchRepository } from './repositories/event-batch.repository';
import { EventsConsumerService } from './services/events-consumer.service';

@Module({})
export class ConsumerModule {
  static forRoot(config: ConsumerConfig): DynamicModule {
    return {
      module: ConsumerModule,
      imports: [
        MetricsModule.forRoot('consumer'),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'eventmon-consumer' }),
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
        EventBatchRepository,
        DeadLetterPublisher,
        EventsConsumerService,
      ],
    };
  }
}

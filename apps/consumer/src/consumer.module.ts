import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { dataSourceOptions } from '@app/database';
import { createKafkaClient, KafkaHealthIndicator } from '@app/kafka';
import { HEALTH_CHECKS, HealthController, MetricsModule } from '@app/observability';
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
        TerminusModule,
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: config.databaseUrl,
            poolSize: config.databasePoolSize,
            applicationName: 'eventmon-consumer',
          }),
          // Give a database that is still starting up ~30 s before failing the start.
          retryAttempts: 10,
          retryDelay: 3000,
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: ConsumerConfig, useValue: config },
        {
          provide: Kafka,
          useFactory: () =>
            createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'eventmon-consumer' }),
        },
        KafkaHealthIndicator,
        {
          provide: HEALTH_CHECKS,
          inject: [KafkaHealthIndicator, TypeOrmHealthIndicator],
          useFactory: (kafka: KafkaHealthIndicator, db: TypeOrmHealthIndicator) => [
            () => kafka.check('kafka'),
            () => db.pingCheck('database', { timeout: 3000 }),
          ],
        },
        ConsumerMetrics,
        EventBatchRepository,
        DeadLetterPublisher,
        EventsConsumerService,
      ],
    };
  }
}

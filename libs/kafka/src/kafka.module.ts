import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { createKafkaClient, KafkaClientOptions } from './kafka-client.factory';
import { KafkaHealthIndicator } from './kafka-health.indicator';

/** The service's one Kafka client (injectable as `Kafka`) and its health check. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaClientOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: Kafka, useFactory: () => createKafkaClient(options) },
        KafkaHealthIndicator,
      ],
      exports: [Kafka, KafkaHealthIndicator],
    };
  }
}

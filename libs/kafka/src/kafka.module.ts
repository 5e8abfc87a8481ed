import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { createKafkaClient, KafkaClientOptions } from './kafka-client.factory';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { ConsumerStallMonitor } from './consumer-stall-monitor';

export interface KafkaModuleOptions extends KafkaClientOptions {
  /** KAFKA_STALL_TIMEOUT_MS: how long a consumer with lag may go without progress. */
  stallTimeoutMs: number;
}

/**
 * The service's one Kafka client (injectable as `Kafka`), its health check, and the monitor
 * its consumer groups register with to be restarted when they stall.
 */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: Kafka, useFactory: () => createKafkaClient(options) },
        {
          provide: ConsumerStallMonitor,
          inject: [Kafka],
          useFactory: (kafka: Kafka) => new ConsumerStallMonitor(kafka, options.stallTimeoutMs),
        },
        KafkaHealthIndicator,
      ],
      exports: [Kafka, KafkaHealthIndicator, ConsumerStallMonitor],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { createKafkaClient, KafkaHealthIndicator } from '@app/kafka';
import { HEALTH_CHECKS, HealthController, MetricsModule } from '@app/observability';
import { AlertingConfig } from './alerting.config';

/** Rule evaluation and dispatch arrive with the alerting issue; for now: health and metrics. */
@Module({})
export class AlertingModule {
  static forRoot(config: AlertingConfig): DynamicModule {
    return {
      module: AlertingModule,
      imports: [MetricsModule.forRoot('alerting'), TerminusModule],
      controllers: [HealthController],
      providers: [
        { provide: AlertingConfig, useValue: config },
        {
          provide: Kafka,
          useFactory: () =>
            createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'eventmon-alerting' }),
        },
        KafkaHealthIndicator,
        {
          provide: HEALTH_CHECKS,
          inject: [KafkaHealthIndicator],
          useFactory: (kafka: KafkaHealthIndicator) => [() => kafka.check('kafka')],
        },
      ],
    };
  }
}

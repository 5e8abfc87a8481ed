import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { AlertingConfig } from './alerting.config';

/** Rule evaluation and dispatch arrive with the alerting issue; for now: health and metrics. */
@Module({})
export class AlertingModule {
  static forRoot(config: AlertingConfig): DynamicModule {
    return {
      module: AlertingModule,
      imports: [
        MetricsModule.forRoot('alerting'),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'eventmon-alerting' }),
        HealthModule.forRoot({ database: false }),
      ],
      providers: [{ provide: AlertingConfig, useValue: config }],
    };
  }
}

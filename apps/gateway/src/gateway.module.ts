import { DynamicModule, Module } from '@nestjs/common';
import { databaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { GatewayConfig } from './gateway.config';

/** The REST API arrives with the gateway issue; for now: health and metrics. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MetricsModule.forRoot('gateway'),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'eventmon-gateway' }),
        databaseModule({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: 'eventmon-gateway',
        }),
        HealthModule.forRoot({ database: true }),
      ],
      providers: [{ provide: GatewayConfig, useValue: config }],
    };
  }
}

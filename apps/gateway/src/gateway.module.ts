import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { dataSourceOptions } from '@app/database';
import { createKafkaClient, KafkaHealthIndicator } from '@app/kafka';
import { HEALTH_CHECKS, HealthController, MetricsModule } from '@app/observability';
import { GatewayConfig } from './gateway.config';

/** The REST API arrives with the gateway issue; for now: health and metrics. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MetricsModule.forRoot('gateway'),
        TerminusModule,
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: config.databaseUrl,
            poolSize: 10,
            applicationName: 'eventmon-gateway',
          }),
          retryAttempts: 10,
          retryDelay: 3000,
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: GatewayConfig, useValue: config },
        {
          provide: Kafka,
          useFactory: () =>
            createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'eventmon-gateway' }),
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
      ],
    };
  }
}

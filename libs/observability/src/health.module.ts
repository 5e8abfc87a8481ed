import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@app/kafka';
import { HEALTH_CHECKS, HealthController } from './health';

export interface HealthOptions {
  /** Whether the service uses PostgreSQL (then /health pings it). Kafka is always checked. */
  database: boolean;
}

/**
 * `GET /health/live`, and `GET /health/ready` (= `GET /health`) over the service's real
 * dependencies and the progress of its consumers (needs KafkaModule imported).
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          inject: [KafkaHealthIndicator, TypeOrmHealthIndicator],
          useFactory: (kafka: KafkaHealthIndicator, database: TypeOrmHealthIndicator) => [
            () => kafka.check('kafka'),
            () => kafka.consumers('consumers'),
            ...(options.database ? [() => database.pingCheck('database', { timeout: 3000 })] : []),
          ],
        },
      ],
    };
  }
}

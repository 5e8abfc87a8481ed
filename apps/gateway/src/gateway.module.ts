import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { databaseModule } from '@app/database';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { EventsModule } from './events/events.module';
import { otherConnections } from './events/listing-statements';
import { HostMetricsModule } from './host-metrics/host-metrics.module';
import { IncidentsModule } from './incidents/incidents.module';
import { KeysModule } from './keys/keys.module';
import { RulesModule } from './rules/rules.module';
import { StatusModule } from './status/status.module';
import { GatewayKafkaModule } from './kafka/gateway-kafka.module';
import { ApiKeyGuard, ApiKeys } from './auth';
import { fingerprintSecret } from './auth/fingerprint-secret';
import { GatewayConfig } from './gateway.config';
import { ClientThrottlerGuard } from './http/client-throttler.guard';
import { SlidingWindowStorage } from './http/sliding-window-storage';
import { DatabaseErrorFilter } from './http/database-error.filter';

/** Every route's guards, in the order they run: the rate limit first (see below). */
export const GLOBAL_GUARDS = [ClientThrottlerGuard, ApiKeyGuard] as const;
/** Every route's exception filter. */
export const GLOBAL_FILTER = DatabaseErrorFilter;

/**
 * The gateway: REST API, docs, dashboard. Guards run in the order listed: the rate limit
 * first (so guessing API keys is limited too), then the API key and its role.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      // Global: feature modules get the configuration and the API keys without re-providing them.
      global: true,
      imports: [
        MetricsModule.forRoot('gateway'),
        KafkaModule.forRoot({
          connection: config,
          clientId: 'eventmon-gateway',
          logLevel: config.logLevel,
          stallTimeoutMs: config.kafkaStallTimeoutMs,
        }),
        databaseModule({
          url: config.databaseUrl,
          poolSize: otherConnections(config.databasePoolSize),
          applicationName: 'eventmon-gateway',
        }),
        HealthModule.forRoot({ database: true }),
        GatewayKafkaModule,
        EventsModule,
        IncidentsModule,
        RulesModule,
        AnalyticsModule,
        HostMetricsModule,
        DeadLettersModule,
        AuditModule,
        KeysModule,
        StatusModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
          storage: new SlidingWindowStorage(),
          errorMessage: `rate limit exceeded: at most ${config.rateLimitPerMinute} requests per minute to this route per client address; retry after the number of seconds in Retry-After`,
        }),
      ],
      providers: [
        { provide: GatewayConfig, useValue: config },
        {
          provide: ApiKeys,
          inject: [DataSource],
          useFactory: async (dataSource: DataSource) =>
            new ApiKeys(
              config.apiKeys,
              await fingerprintSecret(config.fingerprintSecret, dataSource),
            ),
        },
        // Provided by class too, so that the routes served ahead of Nest's router
        // (configureGatewayHttp) run these very instances: one rate-limit count, one key cache.
        ...GLOBAL_GUARDS,
        ...GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
        GLOBAL_FILTER,
        { provide: APP_FILTER, useExisting: GLOBAL_FILTER },
      ],
      exports: [GatewayConfig, ApiKeys],
    };
  }
}

import { FactoryProvider } from '@nestjs/common';
import { GenericPlanStatements } from '@app/database';
import { GatewayConfig } from '../gateway.config';

/**
 * Of the gateway's DATABASE_POOL_SIZE connections, those kept for event listings (half, at
 * least one): their connections plan once per statement (`GenericPlanStatements`), which
 * every other query must not do; the rest serve everything else.
 */
export function listingConnections(poolSize: number): number {
  return Math.max(1, Math.floor(poolSize / 2));
}

/** Connections left for every query but the listings'. */
export function otherConnections(poolSize: number): number {
  return Math.max(1, poolSize - listingConnections(poolSize));
}

export const listingStatementsProvider: FactoryProvider<GenericPlanStatements> = {
  provide: GenericPlanStatements,
  inject: [GatewayConfig],
  useFactory: (config: GatewayConfig) =>
    new GenericPlanStatements({
      url: config.databaseUrl,
      poolSize: listingConnections(config.databasePoolSize),
      applicationName: 'eventmon-gateway-listings',
    }),
};

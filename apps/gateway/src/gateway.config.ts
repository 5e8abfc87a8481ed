import { DatabaseServiceConfig, Env } from '@app/config';

export class GatewayConfig extends DatabaseServiceConfig {
  @Env('GATEWAY_PORT', 'HTTP port of the gateway (REST API, docs, dashboard)')
  override port = 3000;

  // Serves concurrent API requests, where the consumer runs a few batches at a time.
  override databasePoolSize = 10;
}

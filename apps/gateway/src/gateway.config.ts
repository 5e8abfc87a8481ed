import { IsString, MinLength } from 'class-validator';
import { DEFAULT_DATABASE_URL, Env, HttpConfig } from '@app/config';

export class GatewayConfig extends HttpConfig {
  @Env('GATEWAY_PORT', 'HTTP port of the gateway (REST API, docs, dashboard)')
  override port = 3000;

  @Env('DATABASE_URL', 'PostgreSQL connection URL')
  @IsString()
  @MinLength(1)
  databaseUrl = DEFAULT_DATABASE_URL;
}

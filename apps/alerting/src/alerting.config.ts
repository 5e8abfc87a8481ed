import { Env, HttpConfig } from '@app/config';

export class AlertingConfig extends HttpConfig {
  @Env('ALERTING_PORT', 'HTTP port of the alerting service (health, metrics)')
  override port = 3002;
}

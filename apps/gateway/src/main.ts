import 'reflect-metadata';
import { serviceMain } from '@app/service';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { configureGatewayHttp } from './http/configure-gateway-http';

serviceMain({
  service: 'gateway',
  config: GatewayConfig,
  configFileVariable: 'GATEWAY_CONFIG',
  module: (config) => GatewayModule.forRoot(config),
  configure: configureGatewayHttp,
});

import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { bootstrapService, runService } from '@app/observability';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

runService('gateway', async () => {
  const config = loadConfig(GatewayConfig, { yamlFile: process.env.GATEWAY_CONFIG });
  await bootstrapService(GatewayModule.forRoot(config), {
    service: 'gateway',
    logLevel: config.logLevel,
    port: config.port,
    host: config.httpHost,
  });
});

import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { bootstrapService, runService } from '@app/observability';
import { AlertingConfig } from './alerting.config';
import { AlertingModule } from './alerting.module';

runService('alerting', async () => {
  const config = loadConfig(AlertingConfig, { yamlFile: process.env.ALERTING_CONFIG });
  await bootstrapService(AlertingModule.forRoot(config), {
    service: 'alerting',
    logLevel: config.logLevel,
    port: config.port,
    host: config.httpHost,
  });
});

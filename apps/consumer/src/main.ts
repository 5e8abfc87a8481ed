import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { bootstrapService, runService } from '@app/observability';
import { ConsumerConfig } from './consumer.config';
import { ConsumerModule } from './consumer.module';

runService('consumer', async () => {
  const config = loadConfig(ConsumerConfig, { yamlFile: process.env.CONSUMER_CONFIG });
  await bootstrapService(ConsumerModule.forRoot(config), {
    service: 'consumer',
    logLevel: config.logLevel,
    port: config.port,
    host: config.httpHost,
  });
});

import 'reflect-metadata';
import { serviceMain } from '@app/service';
import { ConsumerConfig } from './consumer.config';
import { ConsumerModule } from './consumer.module';

serviceMain({
  service: 'consumer',
  config: ConsumerConfig,
  configFileVariable: 'CONSUMER_CONFIG',
  module: (config) => ConsumerModule.forRoot(config),
});

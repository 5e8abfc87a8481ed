import 'reflect-metadata';
import { serviceMain } from '@app/service';
import { ConsumerConfig } from './consumer.config';
import { ConsumerModule } from './consumer.module';
import { limitHeapGrowth } from './heap-growth';

serviceMain({
  service: 'consumer',
  config: ConsumerConfig,
  configFileVariable: 'CONSUMER_CONFIG',
  module: (config) => {
    limitHeapGrowth(config.heapGrowthPercent);
    return ConsumerModule.forRoot(config);
  },
});

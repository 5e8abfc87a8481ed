import 'reflect-metadata';
import { serviceMain } from '@app/observability';
import { AlertingConfig } from './alerting.config';
import { AlertingModule } from './alerting.module';

serviceMain({
  service: 'alerting',
  config: AlertingConfig,
  configFileVariable: 'ALERTING_CONFIG',
  module: (config) => AlertingModule.forRoot(config),
});

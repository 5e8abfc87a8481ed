import 'reflect-metadata';
import { serviceMain } from '@app/service';
import { AlertingConfig } from './alerting.config';
import { AlertingModule } from './alerting.module';
import { tuneHeapForLongLivedWindows } from './v8-heap-tuning';

tuneHeapForLongLivedWindows();

serviceMain({
  service: 'alerting',
  config: AlertingConfig,
  configFileVariable: 'ALERTING_CONFIG',
  module: (config) => AlertingModule.forRoot(config),
});

import 'reflect-metadata';
import { serviceMain } from '@app/service';
import { AlertingConfig } from './alerting.config';
import { AlertingModule } from './alerting.module';
import { missingV8Flags, tuneHeapForLongLivedWindows } from './v8-heap-tuning';

tuneHeapForLongLivedWindows();
const missing = missingV8Flags();
if (missing.length > 0) {
  // Before the logger exists: a plain warning on stderr, once.
  process.emitWarning(
    `alerting was started without ${missing.join(' ')} (node ${missing.join(' ')} dist/apps/alerting/src/main.js): expect a major GC, and a stall of evaluation, every minute or two under load (docs/operations.md)`,
  );
}

serviceMain({
  service: 'alerting',
  config: AlertingConfig,
  configFileVariable: 'ALERTING_CONFIG',
  module: (config) => AlertingModule.forRoot(config),
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envBindingsOf } from '@app/config';
import { AlertingConfig } from '../../apps/alerting/src/alerting.config';
import { ConsumerConfig } from '../../apps/consumer/src/consumer.config';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config';
import { PropagatorConfig } from '../../apps/propagator/src/propagator.config';

/** A setting nobody can find is a setting nobody can use: the README lists them all. */
describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const configs = { AlertingConfig, ConsumerConfig, GatewayConfig, PropagatorConfig };

  it.each(Object.entries(configs))(
    'documents every environment variable of %s',
    (_, configClass) => {
      const variables = envBindingsOf(configClass).map((binding) => binding.variable);
      expect(variables.length).toBeGreaterThan(0);
      const missing = variables.filter((variable) => !readme.includes(`\`${variable}\``));
      expect(missing).toEqual([]);
    },
  );
});

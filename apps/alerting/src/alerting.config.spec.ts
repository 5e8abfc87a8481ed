import { ConfigError, loadConfig } from '@app/config';
import { AlertingConfig } from './alerting.config';

describe('AlertingConfig EVENT_ID_SECRET', () => {
  it('refuses to start without one: its incidents name id-less events by the consumer’s ids', () => {
    expect(() => loadConfig(AlertingConfig, { env: {} })).toThrow(ConfigError);
    expect(() => loadConfig(AlertingConfig, { env: {} })).toThrow(/EVENT_ID_SECRET must be set/);
    const env = { EVENT_ID_SECRET: 'alerting-config-spec-secret' };
    expect(loadConfig(AlertingConfig, { env }).eventIdSecret).toBe(env.EVENT_ID_SECRET);
  });
});

import { DeliverySettings } from '../delivery-settings';

/**
 * Small timeouts and backoffs so retry tests take milliseconds; 127.0.0.1 is allowed, on the
 * ephemeral ports the tests' receivers listen on.
 */
export function testSettings(overrides: Partial<DeliverySettings> = {}): DeliverySettings {
  return {
    smtpFrom: 'eventmon <alerts@eventmon.test>',
    pagerDutyEventsUrl: 'http://127.0.0.1:9/v2/enqueue',
    allowedHosts: ['127.0.0.1'],
    allowedPorts: ['1024-65535'],
    attemptTimeoutMs: 1000,
    maxAttempts: 3,
    initialBackoffMs: 10,
    maxBackoffMs: 40,
    env: {},
    ...overrides,
  };
}

import { DeliveryExecutor } from '../delivery-executor';
import { testSettings } from '../testing/delivery-settings.fixture';
import { deliverOnce } from '../testing/deliver';
import { lifecycleMessage } from '../testing/lifecycle-fixture';
import { RecordingLogger } from '../testing/recording-logger';

describe('console channel', () => {
  it('logs one structured line with the incident, and nothing from the channel list', async () => {
    const logger = new RecordingLogger();
    const executor = new DeliveryExecutor(testSettings(), { logger });
    const message = lifecycleMessage({ kind: 'incident.resolved', actor: 'alice' });
    const { result, records } = await deliverOnce(executor, { type: 'console' }, message);

    expect(result).toEqual({ outcome: 'delivered', attempts: 1, error: null });
    expect(records[0]).toMatchObject({ target: 'console', outcome: 'delivered', statusCode: null });
    expect(logger.entries).toHaveLength(1);
    const [entry] = logger.entries;
    expect(entry.level).toBe('log');
    expect(entry.params).toEqual(['Notification']);
    expect(entry.message).toMatchObject({
      msg: 'incident notification',
      kind: 'incident.resolved',
      actor: 'alice',
      incidentId: message.incident.id,
      ruleName: 'Payment exceptions',
      groupKey: 'client-42',
      severity: 'high',
      condition: 'count >= 5',
    });
    expect(logger.text()).not.toContain('OTHERCHANNELSECRET');
    expect(logger.text()).not.toContain('oncall@example.com');
  });
});

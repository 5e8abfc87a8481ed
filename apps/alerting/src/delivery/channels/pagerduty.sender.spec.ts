import { DeliveryExecutor } from '../delivery-executor';
import { DeliverySettings } from '../delivery-settings';
import { testSettings } from '../testing/delivery-settings.fixture';
import { deliverOnce } from '../testing/deliver';
import { lifecycleMessage } from '../testing/lifecycle-fixture';
import { LocalHttpServer, Reply, startHttpServer } from '../testing/local-http-server';
import { RecordingLogger } from '../testing/recording-logger';

interface PagerDutyBody {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { severity: string; source: string };
}

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';

describe('pagerduty channel', () => {
  let pagerDuty: LocalHttpServer;
  let reply: Reply;
  let logger: RecordingLogger;

  beforeEach(async () => {
    logger = new RecordingLogger();
    reply = { status: 202, body: '{"status":"success","message":"Event processed"}' };
    pagerDuty = await startHttpServer(() => reply);
  });
  afterEach(() => pagerDuty.close());

  function executor(overrides: Partial<DeliverySettings> = {}) {
    return new DeliveryExecutor(
      testSettings({
        // Operator config, not a rule's URL: reachable without being allow-listed.
        allowedHosts: [],
        pagerDutyEventsUrl: `${pagerDuty.origin}/v2/enqueue`,
        env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY },
        ...overrides,
      }),
      { logger, sleep: () => Promise.resolve() },
    );
  }

  function event(index = 0): PagerDutyBody {
    return JSON.parse(pagerDuty.requests[index].body) as PagerDutyBody;
  }

  it('triggers an Events API v2 event deduplicated by incident id', async () => {
    const message = lifecycleMessage({ incident: { severity: 'medium' } });
    const { result, records } = await deliverOnce(executor(), { type: 'pagerduty' }, message);
    expect(result).toEqual({ outcome: 'delivered', attempts: 1, error: null });
    expect(records[0]).toMatchObject({ target: 'pagerduty', statusCode: 202 });
    expect(pagerDuty.requests[0].path).toBe('/v2/enqueue');
    expect(event()).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: message.incident.id,
      client: 'eventmon',
      payload: {
        summary: 'MEDIUM opened: Payment exceptions (client-42)',
        source: 'client-42',
        severity: 'warning',
        timestamp: message.incident.openedAt,
        component: 'payment-exceptions',
        class: 'count >= 5',
        custom_details: expect.objectContaining({
          value: 7,
          threshold: 5,
          rule_name: 'Payment exceptions',
        }),
      },
    });
  });

  it.each([
    ['low', 'info'],
    ['medium', 'warning'],
    ['high', 'error'],
    ['critical', 'critical'],
  ] as const)('maps severity %s to %s', async (severity, expected) => {
    await deliverOnce(
      executor(),
      { type: 'pagerduty' },
      lifecycleMessage({ incident: { severity } }),
    );
    expect(event().payload?.severity).toBe(expected);
  });

  it('acknowledges and resolves the same dedup key', async () => {
    const shared = executor();
    const acknowledged = lifecycleMessage({
      kind: 'incident.acknowledged',
      actor: 'alice',
      incident: {
        status: 'acknowledged',
        acknowledgedAt: '2025-01-01T10:05:00.000Z',
        acknowledgedBy: 'alice',
      },
    });
    const resolved = lifecycleMessage({
      kind: 'incident.resolved',
      incident: { status: 'resolved' },
    });
    await deliverOnce(shared, { type: 'pagerduty' }, acknowledged);
    await deliverOnce(shared, { type: 'pagerduty' }, resolved);
    const id = acknowledged.incident.id;
    expect(event(0)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: id,
      client: 'eventmon',
    });
    expect(event(1)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: id,
      client: 'eventmon',
    });
  });

  it('takes the routing key from the env var the channel names', async () => {
    await deliverOnce(executor({ env: { CHANNEL_PD_PAYMENTS: 'other-key-0123456789' } }), {
      type: 'pagerduty',
      routingKeyEnv: 'CHANNEL_PD_PAYMENTS',
    });
    expect(event().routing_key).toBe('other-key-0123456789');
  });

  it('fails at once when the routing key is not configured', async () => {
    const { result } = await deliverOnce(executor({ env: {} }), { type: 'pagerduty' });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'env PAGERDUTY_ROUTING_KEY (the PagerDuty routing key) is not set',
    });
    expect(pagerDuty.requests).toHaveLength(0);
  });

  it('retries a rate limit and never shows the routing key in errors', async () => {
    reply = { status: 429, body: `throttled ${ROUTING_KEY}`, headers: { 'Retry-After': '0' } };
    const { result, records } = await deliverOnce(executor({ maxAttempts: 2 }), {
      type: 'pagerduty',
    });
    expect(result.outcome).toBe('failed');
    expect(records.map((r) => r.outcome)).toEqual(['retrying', 'failed']);
    expect(records[0].error).toBe('HTTP 429: throttled [redacted]');
    expect(JSON.stringify({ result, records }) + logger.text()).not.toContain(ROUTING_KEY);
  });
});

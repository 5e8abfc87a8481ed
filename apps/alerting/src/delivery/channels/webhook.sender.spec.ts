import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeLifecycleMessage } from '@app/contracts';
import { DeliveryExecutor } from '../delivery-executor';
import { DeliverySettings } from '../delivery-settings';
import { testSettings } from '../testing/delivery-settings.fixture';
import { deliverOnce } from '../testing/deliver';
import { lifecycleMessage } from '../testing/lifecycle-fixture';
import { LocalHttpServer, ReceivedRequest, startHttpServer } from '../testing/local-http-server';
import { RecordingLogger } from '../testing/recording-logger';

const SECRET = 'whsec-0123456789abcdef';
const NOW = Date.parse('2025-01-01T10:01:02.500Z');

/** What a careful receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare in constant time. */
function verifySignature(request: ReceivedRequest, secret: string): boolean {
  const timestamp = String(request.headers['x-eventmon-timestamp']);
  const signature = String(request.headers['x-eventmon-signature']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
  return (
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

describe('webhook channel', () => {
  let receiver: LocalHttpServer;
  let logger: RecordingLogger;

  beforeEach(async () => {
    logger = new RecordingLogger();
    receiver = await startHttpServer((request) =>
      verifySignature(request, SECRET) || !request.headers['x-eventmon-signature']
        ? { status: 200 }
        : { status: 401, body: 'bad signature' },
    );
  });
  afterEach(() => receiver.close());

  function executor(overrides: Partial<DeliverySettings> = {}) {
    return new DeliveryExecutor(testSettings(overrides), { logger, now: () => NOW });
  }

  it('POSTs the lifecycle message signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
    const message = lifecycleMessage();
    const { result, records } = await deliverOnce(
      executor({ env: { WEBHOOK_SECRET: SECRET } }),
      { type: 'webhook', url: `${receiver.origin}/hooks/eventmon?team=payments` },
      message,
      4,
    );
    expect(result).toEqual({ outcome: 'delivered', attempts: 1, error: null });
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/eventmon?team=payments');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('eventmon');
    expect(request.headers['x-eventmon-timestamp']).toBe('1735725662');
    expect(request.headers['idempotency-key']).toBe(records[0].idempotencyKey);
    expect(verifySignature(request, SECRET)).toBe(true);
    expect(verifySignature(request, 'another-secret')).toBe(false);
    // The receiver gets a valid lifecycle message, minus the rule's other channels.
    const decoded = decodeLifecycleMessage(request.body);
    expect(decoded).toEqual({
      ok: true,
      value: { ...message, incident: { ...message.incident, channels: [] } },
    });
    expect(request.body).not.toContain('OTHERCHANNELSECRET');
    expect(request.body).not.toContain('oncall@example.com');
  });

  it('signs with the secret from the env var the channel names', async () => {
    const { result } = await deliverOnce(
      executor({ env: { WEBHOOK_SECRET: 'not-this-one', CHANNEL_PAYMENTS_HOOK_SECRET: SECRET } }),
      { type: 'webhook', url: receiver.origin, secretEnv: 'CHANNEL_PAYMENTS_HOOK_SECRET' },
    );
    expect(result.outcome).toBe('delivered');
    expect(verifySignature(receiver.requests[0], SECRET)).toBe(true);
  });

  it('sends to the URL held by the env var the channel names (urlEnv), signed as usual', async () => {
    const { result } = await deliverOnce(
      executor({
        env: {
          WEBHOOK_SECRET: SECRET,
          CHANNEL_PAYMENTS_HOOK_URL: `${receiver.origin}/hooks/t0ken`,
        },
      }),
      { type: 'webhook', urlEnv: 'CHANNEL_PAYMENTS_HOOK_URL' },
    );
    expect(result.outcome).toBe('delivered');
    expect(receiver.requests[0].path).toBe('/hooks/t0ken');
    expect(verifySignature(receiver.requests[0], SECRET)).toBe(true);
  });

  it('fails at once, sending nothing, when the env var naming the URL is not set', async () => {
    const { result } = await deliverOnce(executor(), {
      type: 'webhook',
      urlEnv: 'CHANNEL_PAYMENTS_HOOK_URL',
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'env CHANNEL_PAYMENTS_HOOK_URL (the webhook URL) is not set',
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('fails at once, sending nothing, when the named secret env var is not set', async () => {
    const { result, records } = await deliverOnce(executor(), {
      type: 'webhook',
      url: receiver.origin,
      secretEnv: 'CHANNEL_PAYMENTS_HOOK_SECRET',
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'env CHANNEL_PAYMENTS_HOOK_SECRET (the webhook signing secret) is not set',
    });
    expect(records[0].target).toBe('127.0.0.1');
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends unsigned when no secret is configured at all, and warns once', async () => {
    const shared = executor();
    await deliverOnce(shared, { type: 'webhook', url: receiver.origin });
    await deliverOnce(shared, { type: 'webhook', url: receiver.origin }, undefined, 1);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0].headers['x-eventmon-signature']).toBeUndefined();
    expect(receiver.requests[0].headers['x-eventmon-timestamp']).toBe('1735725662');
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
  });

  it('keeps the same idempotency key across retries and re-signs each attempt', async () => {
    let clock = NOW;
    const flaky = await startHttpServer((_request, index) => ({ status: index === 0 ? 502 : 200 }));
    try {
      const retrying = new DeliveryExecutor(testSettings({ env: { WEBHOOK_SECRET: SECRET } }), {
        logger,
        now: () => (clock += 1000),
        sleep: () => Promise.resolve(),
      });
      const { records } = await deliverOnce(retrying, { type: 'webhook', url: flaky.origin });
      expect(records.map((r) => r.outcome)).toEqual(['retrying', 'delivered']);
      const [first, second] = flaky.requests;
      expect(first.headers['idempotency-key']).toBe(second.headers['idempotency-key']);
      expect(first.headers['x-eventmon-timestamp']).not.toBe(
        second.headers['x-eventmon-timestamp'],
      );
      expect(verifySignature(first, SECRET) && verifySignature(second, SECRET)).toBe(true);
    } finally {
      await flaky.close();
    }
  });

  it('never shows the signing secret, even when the receiver echoes it back', async () => {
    const echo = await startHttpServer(() => ({ status: 400, body: `unknown secret ${SECRET}` }));
    try {
      const { result, records } = await deliverOnce(executor({ env: { WEBHOOK_SECRET: SECRET } }), {
        type: 'webhook',
        url: echo.origin,
      });
      expect(result.error).toBe('HTTP 400: unknown secret [redacted]');
      expect(JSON.stringify(records)).not.toContain(SECRET);
      expect(logger.text()).not.toContain(SECRET);
    } finally {
      await echo.close();
    }
  });
});

import { ChannelConfig, decodeDeliveryRecord } from '@app/contracts';
import { DnsResolver } from '@app/net';
import { DeliveryExecutor, DeliveryExecutorOptions } from './delivery-executor';
import { DeliverySettings } from './delivery-settings';
import { deliveryIdempotencyKey } from './idempotency-key';
import { testSettings } from './testing/delivery-settings.fixture';
import { deliverOnce as deliver } from './testing/deliver';
import { lifecycleMessage } from './testing/lifecycle-fixture';
import { LocalHttpServer, Responder, startHttpServer } from './testing/local-http-server';
import { RecordingLogger } from './testing/recording-logger';

describe('DeliveryExecutor', () => {
  const servers: LocalHttpServer[] = [];
  const executors: DeliveryExecutor[] = [];
  let sleeps: number[];

  async function server(responder: Responder): Promise<LocalHttpServer> {
    const started = await startHttpServer(responder);
    servers.push(started);
    return started;
  }

  function executor(
    overrides: Partial<DeliverySettings> = {},
    options: DeliveryExecutorOptions = {},
  ): DeliveryExecutor {
    const created = new DeliveryExecutor(testSettings(overrides), {
      logger: new RecordingLogger(),
      random: () => 1,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    executors.push(created);
    return created;
  }

  beforeEach(() => {
    sleeps = [];
  });
  afterEach(async () => {
    executors.splice(0).forEach((created) => created.close());
    await Promise.all(servers.splice(0).map((started) => started.close()));
  });

  it('retries a 500 twice, then delivers: records retrying, retrying, delivered with one idempotency key', async () => {
    const receiver = await server((_req, index) => ({
      status: index < 2 ? 500 : 200,
      body: 'boom',
    }));
    const { result, records } = await deliver(executor(), {
      type: 'webhook',
      url: `${receiver.origin}/hook`,
    });

    expect(result).toEqual({ outcome: 'delivered', attempts: 3, error: null });
    expect(records.map((r) => r.outcome)).toEqual(['retrying', 'retrying', 'delivered']);
    expect(records.map((r) => r.statusCode)).toEqual([500, 500, 200]);
    expect(records.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(records[0].error).toBe('HTTP 500: boom');
    expect(records[2].error).toBeNull();
    expect(new Set(records.map((r) => r.id)).size).toBe(3);
    for (const record of records) {
      expect(decodeDeliveryRecord(JSON.stringify(record))).toEqual({ ok: true, value: record });
      expect(record).toMatchObject({ channelType: 'webhook', target: '127.0.0.1', maxAttempts: 3 });
    }
    const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual(Array(3).fill(records[0].idempotencyKey));
    // Exponential from 10 ms (random = 1 takes the top of the jitter range).
    expect(sleeps).toEqual([10, 20]);
  });

  it('gives up after maxAttempts when the receiver always fails', async () => {
    const receiver = await server(() => ({ status: 503 }));
    const { result, records } = await deliver(executor({ maxAttempts: 4 }), {
      type: 'webhook',
      url: receiver.origin,
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 4,
      error: 'HTTP 503 (gave up after 4 attempts)',
    });
    expect(records.map((r) => r.outcome)).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
    expect(receiver.requests).toHaveLength(4);
    expect(sleeps).toEqual([10, 20, 40]);
  });

  it('does not retry a 400', async () => {
    const receiver = await server(() => ({ status: 400, body: '{"error":"bad payload"}' }));
    const { result, records } = await deliver(executor(), {
      type: 'webhook',
      url: receiver.origin,
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'HTTP 400: {"error":"bad payload"}',
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'failed', statusCode: 400 });
    expect(receiver.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries 408 and 429, honouring Retry-After up to maxBackoffMs', async () => {
    const receiver = await server(
      (_req, index) =>
        [
          { status: 429, headers: { 'Retry-After': '1' } },
          { status: 408 },
          { status: 429, headers: { 'Retry-After': '3600' } },
          { status: 204 },
        ][index],
    );
    const { result } = await deliver(executor({ maxAttempts: 5, maxBackoffMs: 2000 }), {
      type: 'webhook',
      url: receiver.origin,
    });
    expect(result).toEqual({ outcome: 'delivered', attempts: 4, error: null });
    expect(sleeps).toEqual([1000, 20, 2000]);
  });

  it('refuses to follow a redirect, without retrying', async () => {
    const elsewhere = await server(() => ({ status: 200 }));
    const receiver = await server(() => ({
      status: 302,
      headers: { Location: `${elsewhere.origin}/internal` },
    }));
    const { result, records } = await deliver(executor(), {
      type: 'webhook',
      url: receiver.origin,
    });
    expect(result.outcome).toBe('failed');
    expect(result.attempts).toBe(1);
    expect(result.error).toBe(
      'HTTP 302 redirect refused: redirects are not followed, configure the final URL',
    );
    expect(records[0].statusCode).toBe(302);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('times out each attempt of a receiver that never answers', async () => {
    const receiver = await server(() => 'hang');
    const started = Date.now();
    const { result, records } = await deliver(executor({ attemptTimeoutMs: 200, maxAttempts: 2 }), {
      type: 'webhook',
      url: receiver.origin,
    });
    const elapsed = Date.now() - started;
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 2,
      error: 'no response within 200 ms (gave up after 2 attempts)',
    });
    expect(records.map((r) => r.outcome)).toEqual(['retrying', 'failed']);
    for (const record of records) {
      expect(record.durationMs).toBeGreaterThanOrEqual(190);
      expect(record.durationMs).toBeLessThan(1000);
    }
    expect(receiver.requests).toHaveLength(2);
    expect(elapsed).toBeLessThan(2000);
  });

  it('retries a refused connection as a network error', async () => {
    const closed = await server(() => ({ status: 200 }));
    const url = closed.origin;
    await closed.close();
    servers.splice(servers.indexOf(closed), 1);
    const { result, records } = await deliver(executor({ maxAttempts: 2 }), {
      type: 'webhook',
      url,
    });
    expect(result.outcome).toBe('failed');
    expect(result.attempts).toBe(2);
    expect(records[0].error).toContain('ECONNREFUSED');
    expect(records[0].outcome).toBe('retrying');
  });

  it('refuses at send time a host name that resolves to a private address (allowedHosts empty)', async () => {
    const receiver = await server(() => ({ status: 200 }));
    const resolve: DnsResolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const url = `http://hooks.rebind.test:${receiver.port}/hook`;

    const refused = await deliver(executor({ allowedHosts: [] }, { resolve }), {
      type: 'webhook',
      url,
    });
    expect(refused.result.outcome).toBe('failed');
    expect(refused.result.attempts).toBe(1);
    expect(refused.result.error).toBe(
      'egress refused: host "hooks.rebind.test" resolves to 127.0.0.1, a loopback address; only public addresses may be reached unless the host or address is allowed',
    );
    expect(refused.records[0].target).toBe('hooks.rebind.test');
    expect(receiver.requests).toHaveLength(0);

    // Same DNS answer with the address allowed: the request does reach it.
    const allowed = await deliver(executor({ allowedHosts: ['127.0.0.0/8'] }, { resolve }), {
      type: 'webhook',
      url,
    });
    expect(allowed.result.outcome).toBe('delivered');
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses an internal IP literal without any request, as a configuration error', async () => {
    const receiver = await server(() => ({ status: 200 }));
    const { result, records } = await deliver(executor({ allowedHosts: [] }), {
      type: 'webhook',
      url: `http://[::ffff:127.0.0.1]:${receiver.port}/`,
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error:
        'the webhook URL is refused: ::ffff:7f00:1 is a loopback address; only public addresses may be reached unless the host or address is allowed',
    });
    expect(records[0]).toMatchObject({ outcome: 'failed', durationMs: 0, statusCode: null });
    expect(receiver.requests).toHaveLength(0);
  });

  it('lets a fast channel finish while another hangs: nothing serialises deliveries', async () => {
    const stuck = await server(() => 'hang');
    const fast = await server(() => ({ status: 200 }));
    const shared = executor({ attemptTimeoutMs: 700, maxAttempts: 1 });
    const finished: string[] = [];
    const slowDelivery = deliver(shared, { type: 'webhook', url: stuck.origin }, undefined, 0).then(
      () => finished.push('stuck'),
    );
    // Let the stuck request reach its server first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const { result } = await deliver(shared, { type: 'webhook', url: fast.origin }, undefined, 1);
    finished.push('fast');
    expect(result.outcome).toBe('delivered');
    expect(Date.now() - started).toBeLessThan(300);
    expect(stuck.requests).toHaveLength(1);
    await slowDelivery;
    expect(finished).toEqual(['fast', 'stuck']);
  });

  it('waits for real between attempts by default', async () => {
    const receiver = await server((_req, index) => ({ status: index === 0 ? 500 : 200 }));
    const real = new DeliveryExecutor(testSettings({ initialBackoffMs: 100, maxBackoffMs: 100 }), {
      logger: new RecordingLogger(),
    });
    const started = Date.now();
    const { result } = await deliver(real, { type: 'webhook', url: receiver.origin });
    expect(result.attempts).toBe(2);
    // Jitter keeps the pause within [ceiling/2, ceiling].
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('fails an unknown channel type with a clear error instead of throwing', async () => {
    const channel = { type: 'carrier-pigeon' } as unknown as ChannelConfig;
    const { result, records } = await deliver(executor(), channel);
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'unknown channel type "carrier-pigeon"',
    });
    expect(records[0].target).toBe('unknown');
  });

  it('propagates a failure of the attempt recorder (that is the caller’s problem, not a delivery one)', async () => {
    const receiver = await server(() => ({ status: 200 }));
    const shared = executor();
    await expect(
      shared.deliver(
        {
          message: lifecycleMessage(),
          channel: { type: 'webhook', url: receiver.origin },
          channelIndex: 0,
        },
        () => Promise.reject(new Error('broker down')),
      ),
    ).rejects.toThrow('broker down');
  });

  it('rejects nonsensical settings at construction', () => {
    expect(() => new DeliveryExecutor(testSettings({ maxAttempts: 0, maxBackoffMs: 5 }))).toThrow(
      'invalid delivery settings: maxAttempts must be a positive integer, got 0; maxBackoffMs must not be smaller than initialBackoffMs',
    );
    expect(() => new DeliveryExecutor(testSettings({ allowedHosts: ['http://x'] }))).toThrow(
      'invalid allowed host entries "http://x"',
    );
  });
});

describe('deliveryIdempotencyKey', () => {
  it('is the same for the same incident, kind and channel, across calls (and restarts)', () => {
    const id = '7d9f3c1e-2b4a-5c6d-8e9f-0a1b2c3d4e5f';
    const key = deliveryIdempotencyKey(id, 'incident.opened', 2);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryIdempotencyKey(id, 'incident.opened', 2)).toBe(key);
    expect(deliveryIdempotencyKey(id, 'incident.resolved', 2)).not.toBe(key);
    expect(deliveryIdempotencyKey(id, 'incident.opened', 3)).not.toBe(key);
    expect(
      deliveryIdempotencyKey('8d9f3c1e-2b4a-5c6d-8e9f-0a1b2c3d4e5f', 'incident.opened', 2),
    ).not.toBe(key);
  });
});

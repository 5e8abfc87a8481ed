import { Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually, within } from '../support/eventually';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { LiveSocket, openLiveSocket, refusedUpgrade } from '../support/live-socket';
import { publishBulkyLifecycles, readStream } from '../support/live-stream';
import { scrapeMetric } from '../support/metrics';
import { lifecycle, lifecycleRecord, openIncident } from '../support/notifications';

const PER_KEY = 2;
const MAX_CLIENTS = 3;
const PING_SECONDS = 1;

const withKey = (role: keyof typeof TEST_KEYS) => ({ headers: { 'x-api-key': TEST_KEYS[role] } });

describe('gateway: live incidents over WebSocket (/ws)', () => {
  const prefix = `gw-ws-${uniqueSuffix()}-`;
  const notifications = topicName(Topic.Notifications, prefix);
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let producer: Producer;
  const sockets: LiveSocket[] = [];
  const aborts: AbortController[] = [];

  const open = async (...args: Parameters<typeof openLiveSocket>) => {
    const live = await openLiveSocket(...args);
    sockets.push(live);
    return live;
  };
  const connectedSockets = () => scrapeMetric(gateway.url, 'eventmon_gateway_live_websockets');

  beforeAll(async () => {
    db = await createScratchDatabase('gwws');
    gateway = await startGateway(prefix, db.url, {
      GATEWAY_SSE_MAX_PER_KEY: String(PER_KEY),
      GATEWAY_WS_MAX_CLIENTS: String(MAX_CLIENTS),
      // No pings during these tests: a paused client would be cut off for not answering.
      GATEWAY_WS_PING_SECONDS: '3600',
    });
    producer = testKafka().producer();
    await producer.connect();
  });
  afterEach(async () => {
    for (const abort of aborts.splice(0)) abort.abort();
    for (const { socket } of sockets.splice(0)) socket.terminate();
    // Every slot is given back before the next test counts them.
    await eventually(async () => {
      expect(await connectedSockets()).toBe(0);
      expect(await scrapeMetric(gateway.url, 'eventmon_gateway_live_streams')).toBe(0);
    });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('sends a client with X-API-Key each lifecycle message exactly as the SSE stream does', async () => {
    const live = await open(gateway.url, withKey('read'));
    const sse: string[] = [];
    const abort = new AbortController();
    aborts.push(abort);
    await readStream(gateway.url, TEST_KEYS.read, sse, abort.signal);

    const fresh = openIncident(1, new Date());
    await producer.send({ topic: notifications, messages: [lifecycleRecord(lifecycle(fresh))] });

    await eventually(() => expect(live.messages).toHaveLength(1), { timeoutMs: 20_000 });
    const event = await eventually(
      () => {
        const found = sse.find((m) => m.includes(fresh.id));
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 20_000 },
    );
    const sseData = event
      .split('\n')
      .find((line) => line.startsWith('data: '))!
      .slice(6);
    expect(JSON.parse(live.messages[0])).toEqual(JSON.parse(sseData));
    expect(JSON.parse(live.messages[0])).toEqual({
      ...lifecycle(fresh),
      incident: { ...fresh, channels: [] },
    });
    // No protocol offered, none answered.
    expect(live.answeredProtocol).toBeUndefined();
  });

  it('takes the key as the subprotocol eventmon.key.<key> and answers eventmon.v1 only', async () => {
    const live = await open(gateway.url, {
      // The key first: ws would answer with the first protocol offered unless told otherwise.
      protocols: [`eventmon.key.${TEST_KEYS.read}`, 'eventmon.v1'],
    });
    expect(live.answeredProtocol).toBe('eventmon.v1');
    expect(live.socket.protocol).toBe('eventmon.v1');

    const fresh = openIncident(2, new Date());
    await producer.send({ topic: notifications, messages: [lifecycleRecord(lifecycle(fresh))] });
    await eventually(() => expect(live.messages).toHaveLength(1), { timeoutMs: 20_000 });
    expect(JSON.parse(live.messages[0])).toMatchObject({ incident: { id: fresh.id } });
  });

  it('refuses the upgrade with an HTTP status and message: no key, a wrong key, a key in the URL, an ingest key', async () => {
    expect(await refusedUpgrade(gateway.url, {})).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        error: 'Unauthorized',
        message:
          'missing API key: send X-API-Key, or offer the subprotocols eventmon.v1 and eventmon.key.<key>',
      },
    });
    expect(
      await refusedUpgrade(gateway.url, { 'x-api-key': 'not-a-key-of-this-gateway-0123' }),
    ).toMatchObject({ status: 401, body: { message: 'unknown API key' } });
    expect(
      await refusedUpgrade(gateway.url, {}, ['eventmon.v1', 'eventmon.key.not-a-key-0123456789']),
    ).toMatchObject({ status: 401, body: { message: 'unknown API key' } });
    const inUrl = await refusedUpgrade(gateway.url, {}, [], `/ws?apiKey=${TEST_KEYS.read}`);
    expect(inUrl.status).toBe(400);
    expect(JSON.stringify(inUrl.body)).not.toContain(TEST_KEYS.read);
    expect(await refusedUpgrade(gateway.url, { 'x-api-key': TEST_KEYS.ingest })).toMatchObject({
      status: 403,
    });
    expect(await connectedSockets()).toBe(0);
    // Keys never reach the log, the ones refused included.
    expect(gateway.app.output()).not.toContain(TEST_KEYS.read);
    expect(gateway.app.output()).not.toContain('not-a-key');
  });

  it('accepts a key made at /api/keys, and refuses it once revoked, as the HTTP API does', async () => {
    const made = await gateway.call('admin', 'POST', '/api/keys', {
      name: 'ws viewer',
      role: 'read',
    });
    expect(made.status).toBe(201);
    const key = (made.body as { key: string; id: string }).key;
    const live = await open(gateway.url, { headers: { 'x-api-key': key } });
    expect(live.socket.readyState).toBe(live.socket.OPEN);
    live.socket.terminate();

    const id = (made.body as { key: string; id: string }).id;
    expect((await gateway.call('admin', 'DELETE', `/api/keys/${id}`)).status).toBe(204);
    expect(await refusedUpgrade(gateway.url, { 'x-api-key': key })).toMatchObject({
      status: 401,
      body: { message: 'API key revoked' },
    });
  });

  it(`holds GATEWAY_SSE_MAX_PER_KEY connections per key (429) and GATEWAY_WS_MAX_CLIENTS per process (503)`, async () => {
    for (let i = 0; i < PER_KEY; i++) await open(gateway.url, withKey('read'));
    expect(await refusedUpgrade(gateway.url, withKey('read').headers)).toMatchObject({
      status: 429,
      body: { message: expect.stringContaining('GATEWAY_SSE_MAX_PER_KEY') },
    });
    await open(gateway.url, withKey('admin'));
    expect(await refusedUpgrade(gateway.url, withKey('admin').headers)).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: `this gateway already holds ${MAX_CLIENTS} WebSocket clients, the most allowed (GATEWAY_WS_MAX_CLIENTS): retry later`,
      },
    });
    expect(await connectedSockets()).toBe(MAX_CLIENTS);
  });

  it('closes a client that stops reading with 1008 once over its buffer limit, while another gets every message', async () => {
    const slow = await open(gateway.url, withKey('read'));
    const steady = await open(gateway.url, withKey('admin'));
    // From here on the slow client reads nothing: the kernel's buffers fill, then the gateway's.
    slow.socket.pause();

    // About 16 MB of lifecycle messages.
    const ids = await publishBulkyLifecycles(producer, notifications, 30);
    await eventually(
      async () =>
        expect(
          await scrapeMetric(gateway.url, 'eventmon_gateway_live_websockets_dropped_total'),
        ).toBe(1),
      { timeoutMs: 60_000 },
    );
    expect(gateway.app.output()).toMatch(/a live WebSocket client fell more than 1 MiB behind/);
    slow.socket.resume();
    expect(await within(slow.closed, 25_000, 'the slow client closing')).toEqual({
      code: 1008,
      reason: 'too far behind: read faster, then reconnect',
    });
    // It got a prefix of the messages, then nothing more: the gateway stopped buffering for it.
    expect(slow.messages.length).toBeLessThan(ids.length);

    await eventually(() => expect(steady.messages).toHaveLength(ids.length), {
      timeoutMs: 60_000,
    });
    // Each once; keyed by incident id over several partitions, so not in publishing order.
    const received = steady.messages.map(
      (m) => (JSON.parse(m) as { incident: { id: string } }).incident.id,
    );
    expect(received.sort()).toEqual([...ids].sort());
    expect(await connectedSockets()).toBe(1);
  });
});

describe('gateway: /ws pings', () => {
  const prefix = `gw-wsping-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwwsping');
    gateway = await startGateway(prefix, db.url, {
      GATEWAY_WS_PING_SECONDS: String(PING_SECONDS),
    });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('terminates a client that does not answer a ping by the next one, and keeps one that does', async () => {
    const silent = await openLiveSocket(gateway.url, {
      ...withKey('read'),
      options: { autoPong: false },
    });
    const answering = await openLiveSocket(gateway.url, withKey('read'));

    const { code } = await within(
      silent.closed,
      5 * PING_SECONDS * 1000,
      'the silent client cut off',
    );
    // Cut off without a close frame (1006) at the ping after the one it did not answer.
    expect(code).toBe(1006);
    expect(silent.pings).toBe(1);
    // Pinged again after that: it answered every ping so far, so it is kept.
    await within(
      new Promise((resolve) => answering.socket.once('ping', resolve)),
      3 * PING_SECONDS * 1000,
      'the next ping to the answering client',
    );
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
    expect(gateway.app.output()).toContain('a live WebSocket client missed a ping: terminated');
    answering.socket.terminate();
  });
});

describe('gateway: /ws upgrades are rate-limited per client address', () => {
  const LIMIT = 3;
  const prefix = `gw-wsrate-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwwsrate');
    gateway = await startGateway(prefix, db.url, {
      GATEWAY_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers 429 with Retry-After once an address has used its attempts, a good key included', async () => {
    for (let attempt = 1; attempt <= LIMIT; attempt++) {
      expect(
        await refusedUpgrade(gateway.url, { 'x-api-key': `guessed-key-number-${attempt}-0123` }),
      ).toMatchObject({ status: 401 });
    }
    const limited = await refusedUpgrade(gateway.url, withKey('read').headers);
    expect(limited).toMatchObject({
      status: 429,
      body: {
        statusCode: 429,
        message: `rate limit exceeded: at most ${LIMIT} WebSocket upgrades per minute per client address; retry after the number of seconds in Retry-After`,
      },
    });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
    // The HTTP API keeps its own count per route: /ws attempts do not use it up.
    const http = await gateway.call('read', 'GET', '/api/incidents?limit=1');
    expect(http.status).toBe(200);
  });
});

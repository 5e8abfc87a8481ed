import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually, within } from '../support/eventually';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { publishBulkyLifecycles, readStream } from '../support/live-stream';
import { scrapeMetric } from '../support/metrics';

const STREAMS_PER_KEY = 3;

describe('gateway: live stream limits', () => {
  const prefix = `gw-live-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let producer: Producer;
  const aborts: AbortController[] = [];

  const open = async (key: string) => {
    const abort = new AbortController();
    aborts.push(abort);
    await readStream(gateway.url, key, [], abort.signal);
    return abort;
  };

  beforeAll(async () => {
    db = await createScratchDatabase('gwlive');
    gateway = await startGateway(prefix, db.url, {
      GATEWAY_SSE_MAX_PER_KEY: String(STREAMS_PER_KEY),
    });
    producer = testKafka().producer();
    await producer.connect();
  });
  afterEach(() => {
    for (const abort of aborts.splice(0)) abort.abort();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('holds at most GATEWAY_SSE_MAX_PER_KEY streams per API key: one more gets 429, closing one frees a slot', async () => {
    const first = await open(TEST_KEYS.read);
    for (let i = 1; i < STREAMS_PER_KEY; i++) await open(TEST_KEYS.read);

    const refused = await fetch(`${gateway.url}/api/incidents/stream`, {
      headers: { 'x-api-key': TEST_KEYS.read },
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toBe(
      `this API key already has ${STREAMS_PER_KEY} live streams open, the most allowed (GATEWAY_SSE_MAX_PER_KEY): close one first`,
    );
    // The cap is per key: another key still gets its own streams.
    await open(TEST_KEYS.admin);

    first.abort();
    await eventually(
      async () =>
        expect(await scrapeMetric(gateway.url, 'eventmon_gateway_live_streams')).toBe(
          STREAMS_PER_KEY,
        ),
      { timeoutMs: 10_000 },
    );
    await expect(open(TEST_KEYS.read)).resolves.toBeDefined();
  });

  it('drops a client that stops reading once it is 1 MiB behind, at once and without the rest', async () => {
    const socket: Socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    await within(once(socket, 'connect'), 5000, 'connect');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(
      `GET /api/incidents/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${TEST_KEYS.read}\r\n\r\n`,
    );
    await eventually(() => expect(Buffer.concat(received).toString()).toContain(': connected'), {
      timeoutMs: 10_000,
    });
    // From here on the client reads nothing: the kernel's buffers fill, then the gateway's.
    socket.pause();

    // About 16 MB of valid lifecycle messages.
    await publishBulkyLifecycles(producer, topicName(Topic.Notifications, prefix), 30);
    await eventually(() => expect(gateway.app.output()).toMatch(/fell more than 1 MiB behind/), {
      timeoutMs: 60_000,
    });

    // Ended instead of dropped, the connection would deliver the buffered megabyte and the
    // response's last chunk, then stay open for the next request (keep-alive).
    const closed = once(socket, 'close');
    socket.resume();
    await within(closed, 15_000, 'the dropped connection closing');
    const text = Buffer.concat(received).toString('latin1');
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false);
    expect(await scrapeMetric(gateway.url, 'eventmon_gateway_live_streams_dropped_total')).toBe(1);
    expect(await scrapeMetric(gateway.url, 'eventmon_gateway_live_streams')).toBe(0);
  });
});

import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { systemClock } from '../generation/clock';
import { HttpEventsSender } from './http-events.sender';
import { OutgoingEvent } from './outgoing-event';

interface Received {
  path: string;
  apiKey: string | undefined;
  body: unknown;
}

/** A real HTTP server answering each request with the next status of `statuses` (then 200). */
async function intake(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        apiKey: request.headers['x-api-key'] as string | undefined,
        body: JSON.parse(text),
      });
      response.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
      response.end('{"message":"answer"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const event = (type: string, payload: unknown): OutgoingEvent => ({
  type,
  key: 'client-1',
  value: JSON.stringify({ id: 'x', type, source: 'client-1', severity: 'low', payload }),
});

describe('HttpEventsSender', () => {
  const sender = (endpoint: string, apiKey?: string) =>
    new HttpEventsSender({ endpoint, apiKey, timeoutMs: 2000 }, systemClock);

  it('posts one legacy body per event to an /event endpoint, with the API key', async () => {
    const server = await intake();
    try {
      await sender(`${server.url}/event`, 'key-0123456789abcdef').send([
        event('login.failed', 'user 42'),
        event('order.created', { id: 7 }),
      ]);
      expect(server.received).toEqual([
        {
          path: '/event',
          apiKey: 'key-0123456789abcdef',
          body: { event_type: 'login.failed', event_payload: 'user 42' },
        },
        {
          path: '/event',
          apiKey: 'key-0123456789abcdef',
          body: { event_type: 'order.created', event_payload: '{"id":7}' },
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('posts a batch as one array of version-1 events to any other endpoint', async () => {
    const server = await intake();
    try {
      await sender(`${server.url}/api/events`).send([event('a', 1), event('b', 2)]);
      expect(server.received).toHaveLength(1);
      expect(server.received[0].body).toMatchObject([{ type: 'a' }, { type: 'b' }]);
      expect(server.received[0].apiKey).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('retries a 503 and succeeds; gives up on a 401 at once, naming the status', async () => {
    const server = await intake([503, 200, 401]);
    try {
      await sender(`${server.url}/event`).send([event('a', 'x')]);
      expect(server.received).toHaveLength(2);
      await expect(sender(`${server.url}/event`).send([event('a', 'x')])).rejects.toThrow(
        /answered 401: .*answer/,
      );
      expect(server.received).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('fails after three attempts when nothing listens', async () => {
    const server = await intake();
    await server.close();
    await expect(sender(`${server.url}/event`).send([event('a', 'x')])).rejects.toThrow(
      /POST .* failed: fetch failed \(.*ECONNREFUSED/,
    );
  });
});

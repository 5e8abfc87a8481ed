import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LeanHttpClient } from './lean-http-client';

describe('LeanHttpClient, against a real node:http server on loopback', () => {
  let server: Server;
  let client: LeanHttpClient;
  const connections = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.add(`${req.socket.remotePort}`);
      if (req.url === '/chunked') {
        res.setHeader('content-type', 'application/json');
        res.write('{"a":');
        setTimeout(() => res.end('1}'), 5);
      } else if (req.url === '/close') {
        res.setHeader('connection', 'close');
        res.end('bye');
      } else {
        let length = 0;
        req.on('data', (chunk: Buffer) => (length += chunk.length));
        req.on('end', () => {
          res.statusCode = req.method === 'POST' ? 202 : 200;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, url: req.url, length }));
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new LeanHttpClient(new URL(`http://127.0.0.1:${port}`), 2);
  });

  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a GET and a POST, and parses JSON answers with their status', async () => {
    await expect(client.call('/a', {})).resolves.toEqual({
      status: 200,
      body: { method: 'GET', url: '/a', length: 0 },
    });
    const body = JSON.stringify({ text: 'é'.repeat(50_000) });
    await expect(client.call('/b', { 'content-type': 'application/json' }, body)).resolves.toEqual({
      status: 202,
      body: { method: 'POST', url: '/b', length: Buffer.byteLength(body) },
    });
  });

  it('reads a chunked answer that arrives in pieces', async () => {
    await expect(client.call('/chunked', {})).resolves.toEqual({ status: 200, body: { a: 1 } });
  });

  it('keeps connections alive: many calls, at most as many connections as it was given', async () => {
    connections.clear();
    for (let i = 0; i < 20; i++) await Promise.all([client.call('/k', {}), client.call('/k', {})]);
    expect(connections.size).toBeLessThanOrEqual(2);
  });

  it('opens a new connection after the server closed one', async () => {
    await expect(client.call('/close', {})).resolves.toEqual({ status: 200, body: 'bye' });
    await expect(client.call('/next', {})).resolves.toMatchObject({ status: 200 });
  });
});

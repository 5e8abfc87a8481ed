import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { ExpressApplication, serveAheadOfExpress } from './ahead-of-express';
import type { DirectRoute } from './direct-route';
import { RequestMetrics } from './request-metrics';

interface Answer {
  status: number;
  body: string;
}

/**
 * One request on loopback (a POST with `body`, or with null a GET with no body); an error when
 * the connection ends without an answer.
 */
function call(port: number, path: string, body: string | null, contentType = 'application/json') {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === null ? 'GET' : 'POST',
        headers:
          body === null
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

describe('serveAheadOfExpress', () => {
  let server: Server;
  let port: number;
  const seen: unknown[] = [];

  beforeAll(async () => {
    const app = express() as unknown as ExpressApplication;
    app.post('/api/events', (_req, res) => void res.status(299).json({ via: 'express' }));
    app.get('/api/events', (_req, res) => void res.status(299).json({ via: 'express' }));
    server = createServer(app);
    const routes: DirectRoute[] = [
      {
        method: 'post',
        path: '/api/events',
        handle: (req, res) => {
          seen.push(req.body);
          res.status(202).json({ via: 'direct', ip: req.ip });
          return Promise.resolve();
        },
      },
      {
        method: 'get',
        path: '/api/events',
        handle: (req, res) => {
          res.status(200).json({ via: 'direct', query: req.query as unknown });
          return Promise.resolve();
        },
      },
      { method: 'post', path: '/fails', handle: () => Promise.reject(new Error('boom')) },
      { method: 'post', path: '/breaks', handle: () => Promise.resolve() },
    ];
    serveAheadOfExpress(server, routes, {
      express: app,
      metrics: new RequestMetrics(new Registry()),
      setHeaders: (res) => {
        // A fault before anything can be answered: what the last resort is for.
        if (res.req.url === '/breaks') throw new Error('headers failed');
        res.setHeader('x-fixed', 'yes');
      },
      bodyLimitBytes: 1024,
      maxBodyDepth: 4,
      bodyErrors: (error: Error, _req, res, next) => {
        if (error.message.includes('throw')) throw new Error('the error answer failed');
        if (error.message.includes('next')) return next(error);
        res.status(400).json({ message: error.message });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers a plain JSON request to a route itself, with Express request and response', async () => {
    expect(await call(port, '/api/events', '{"type":"a"}')).toEqual({
      status: 202,
      body: JSON.stringify({ via: 'direct', ip: '127.0.0.1' }),
    });
    expect(seen.at(-1)).toEqual({ type: 'a' });
  });

  it('leaves any other request to Express', async () => {
    for (const [path, contentType] of [
      ['/api/events?x=1', 'application/json'],
      ['/api/events', 'text/plain'],
      ['/api/events', 'application/json; charset=latin1'],
    ]) {
      expect(await call(port, path, '{"type":"a"}', contentType)).toEqual({
        status: 299,
        body: JSON.stringify({ via: 'express' }),
      });
    }
  });

  it("answers a GET with no body to a route itself, its query parsed by Express's parser", async () => {
    expect(await call(port, '/api/events?limit=5&type=a&type=b', null)).toEqual({
      status: 200,
      body: JSON.stringify({ via: 'direct', query: { limit: '5', type: ['a', 'b'] } }),
    });
    expect(await call(port, '/api/events', null)).toEqual({
      status: 200,
      body: JSON.stringify({ via: 'direct', query: {} }),
    });
  });

  it('leaves a GET with a body (an empty one with a content type too), or to another path, to Express', async () => {
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path, method: 'GET', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(Number(headers['content-length'] ?? 0) > 0 ? '{}' : undefined);
      });
    expect(await get('/api/events', { 'content-length': '2' })).toBe(299);
    expect(await get('/api/events', { 'content-length': '0', 'content-type': 'text/plain' })).toBe(
      299,
    );
    expect(await get('/api/events', { 'content-length': '0' })).toBe(200);
    expect(await get('/api/events', { 'transfer-encoding': 'chunked' })).toBe(299);
    expect(await get('/api/events/', {})).toBe(299);
  });

  it('answers a refused body with the body error handler', async () => {
    expect(await call(port, '/api/events', '{"type": ')).toMatchObject({ status: 400 });
  });

  it('answers 500 when the route fails, and goes on serving', async () => {
    expect(await call(port, '/fails', '{}')).toEqual({
      status: 500,
      body: JSON.stringify({
        statusCode: 500,
        message: 'Internal server error',
        error: 'Internal Server Error',
      }),
    });
    expect((await call(port, '/api/events', '{"n":1}')).status).toBe(202);
  });

  it('answers 500 when the body error handler itself fails', async () => {
    // "throw" in the malformed body makes the body error handler throw.
    expect((await call(port, '/api/events', '"throw')).status).toBe(500);
  });

  it('closes the connection when nothing can be answered, and goes on serving', async () => {
    await expect(call(port, '/breaks', '{}')).rejects.toThrow('socket hang up');
    expect((await call(port, '/api/events', '{"n":2}')).status).toBe(202);
  });
});

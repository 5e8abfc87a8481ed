import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { Middleware, recordedHeaders, settingHeaders } from './static-headers';

/** A real response, with X-Powered-By already set as Express sets it. */
function response(): ServerResponse {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('X-Powered-By', 'Express');
  return res;
}

function apply(
  middleware: Middleware,
  url: string,
): { headers: Record<string, unknown>; names: string[] } {
  const req = Object.assign(new IncomingMessage(new Socket()), { method: 'POST', url });
  const res = response();
  let nexts = 0;
  middleware(req, res, () => nexts++);
  expect(nexts).toBe(1);
  return { headers: res.getHeaders(), names: res.getHeaderNames() };
}

describe('recordedHeaders', () => {
  it("gives every response exactly helmet's headers, in helmet's order", () => {
    const replayed = settingHeaders(recordedHeaders(helmet()));
    for (const url of ['/api/events', '/docs/', '/']) {
      expect(apply(replayed, url)).toEqual(apply(helmet(), url));
    }
    const { headers } = apply(replayed, '/api/events');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a middleware whose headers depend on the request, or that does more', () => {
    expect(() =>
      recordedHeaders((req, res, next) => {
        res.setHeader('x-path', String(req.url));
        next();
      }),
    ).toThrow('different headers for different requests');
    expect(() =>
      recordedHeaders((_req, res, next) => {
        res.statusCode = 204;
        next();
      }),
    ).toThrow("sets the response's statusCode");
    expect(() => recordedHeaders(() => undefined)).toThrow('did not call next() at once');
  });
});

import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { MadeKey, makeKey } from '../support/api-keys';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { ApiAnswer, callApi, RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

/** Limits small enough for the requests below to cross each of them. */
const LIMITS = {
  GATEWAY_BODY_LIMIT_BYTES: '2048',
  GATEWAY_MAX_EVENTS_PER_REQUEST: '3',
  GATEWAY_RATE_LIMIT_PER_MINUTE: '60',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Headers that tell the clock, which moves between two answers: the date, seconds left. */
const CLOCK_HEADERS = new Set(['date', 'x-ratelimit-reset', 'retry-after']);

/** A clock header as comparable: 'seconds' for a count of them, 'present' for the date. */
const clockValue = (value: string) => (/^\d+$/.test(value) ? 'seconds' : 'present');

/**
 * What a client can compare between two answers: status, every header (those of the clock
 * only by kind), and the body with each generated id (checked to be a UUID) replaced by a
 * placeholder.
 */
function comparable(answer: ApiAnswer) {
  const headers = Object.fromEntries(
    [...answer.headers].map(([name, value]) => [
      name,
      CLOCK_HEADERS.has(name) ? clockValue(value) : value,
    ]),
  );
  const body = JSON.parse(
    JSON.stringify(answer.body, (key, value: unknown) =>
      key === 'ids' && Array.isArray(value)
        ? (value as unknown[]).map((id) => (UUID.test(String(id)) ? '<uuid>' : id))
        : value,
    ),
  ) as unknown;
  return { status: answer.status, headers, body };
}

interface Request {
  what: string;
  path: '/api/events' | '/event';
  /** A key of the test roles, a key made through /api/keys, a key nobody made, or none. */
  key: keyof typeof TEST_KEYS | 'managed' | 'revoked' | 'expired' | 'unknown' | null;
  /** Sent as JSON unless a string (sent as it is). */
  body: unknown;
  contentType?: string;
}

const event = (type: string) => ({ type, source: 'parity', severity: 'high', value: 1 });

/** Every answer the two forms of the routes give: accepted, refused by each check in turn. */
const REQUESTS: Request[] = [
  { what: 'one event', path: '/api/events', key: 'ingest', body: event('parity.one') },
  {
    what: 'three events',
    path: '/api/events',
    key: 'ingest',
    body: [event('a'), event('b'), event('c')],
  },
  { what: 'as admin', path: '/api/events', key: 'admin', body: event('parity.admin') },
  { what: 'a key made by POST /api/keys', path: '/api/events', key: 'managed', body: event('m') },
  { what: 'a revoked key', path: '/api/events', key: 'revoked', body: event('x') },
  { what: 'an expired key', path: '/api/events', key: 'expired', body: event('x') },
  { what: 'an unknown key', path: '/api/events', key: 'unknown', body: event('x') },
  { what: 'no key', path: '/api/events', key: null, body: event('x') },
  { what: 'a read key', path: '/api/events', key: 'read', body: event('x') },
  {
    what: 'a bad event in an array',
    path: '/api/events',
    key: 'ingest',
    body: [event('ok'), { type: 'bad type', severity: 'urgent', colour: 'red' }],
  },
  { what: 'too many events', path: '/api/events', key: 'ingest', body: [1, 2, 3, 4] },
  { what: 'an empty array', path: '/api/events', key: 'ingest', body: [] },
  { what: 'a JSON string', path: '/api/events', key: 'ingest', body: '"just a string"' },
  { what: 'malformed JSON', path: '/api/events', key: 'ingest', body: '{"type": ' },
  { what: 'a number after blanks', path: '/api/events', key: 'ingest', body: ' \n 42' },
  { what: 'an empty JSON body', path: '/api/events', key: 'ingest', body: '' },
  {
    what: 'JSON after a byte order mark',
    path: '/api/events',
    key: 'ingest',
    body: `\uFEFF${JSON.stringify(event('parity.bom'))}`,
  },
  {
    what: 'JSON, charset named',
    path: '/api/events',
    key: 'ingest',
    body: JSON.stringify(event('parity.charset')),
    contentType: 'application/json; charset=UTF-8',
  },
  {
    what: 'JSON in another charset',
    path: '/api/events',
    key: 'ingest',
    body: JSON.stringify(event('parity.latin1')),
    contentType: 'application/json; charset=latin1',
  },
  {
    what: 'a body over the limit',
    path: '/api/events',
    key: 'ingest',
    body: { ...event('big'), payload: 'x'.repeat(4096) },
  },
  {
    what: 'a body nested too deep',
    path: '/api/events',
    key: 'ingest',
    body: `{"type":"a","payload":${'{"k":'.repeat(40)}1${'}'.repeat(40)}}`,
  },
  {
    what: 'a form body',
    path: '/api/events',
    key: 'ingest',
    body: 'type=form.event&source=form',
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    what: 'a text body',
    path: '/api/events',
    key: 'ingest',
    body: 'type=text',
    contentType: 'text/plain',
  },
  {
    what: 'legacy',
    path: '/event',
    key: 'ingest',
    body: { event_type: 'login.failed', event_payload: 'user 42' },
  },
  {
    what: 'legacy, a form body',
    path: '/event',
    key: 'ingest',
    body: 'event_type=login.failed&event_payload=user%2042',
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    what: 'legacy, a payload that is not a string',
    path: '/event',
    key: 'ingest',
    body: { event_type: 'login.failed', event_payload: 42 },
  },
  {
    what: 'legacy, an unknown property',
    path: '/event',
    key: 'ingest',
    body: { event_type: 'a', event_payload: 'b', admin: true },
  },
  { what: 'legacy, no body', path: '/event', key: 'ingest', body: undefined },
  {
    what: 'legacy, a read key',
    path: '/event',
    key: 'read',
    body: { event_type: 'a', event_payload: 'b' },
  },
  {
    what: 'legacy, a revoked key',
    path: '/event',
    key: 'revoked',
    body: { event_type: 'a', event_payload: 'b' },
  },
];

interface Read {
  what: string;
  /** Path and query; CURSOR is replaced by the next cursor of the first page. */
  path: string;
  key: keyof typeof TEST_KEYS | 'revoked' | null;
  headers?: Record<string, string>;
  /** A body to send with the GET (which fetch refuses to do). */
  body?: string;
  /**
   * Sent with node:http rather than fetch, which adds `Cache-Control: no-cache` to a
   * conditional request (and so never gets a 304).
   */
  raw?: true;
}

/** GET /api/events, good and bad, over the events the test stores (see beforeAll). */
const READS: Read[] = [
  { what: 'a first page', path: '/api/events?limit=2', key: 'read' },
  { what: 'the next page', path: '/api/events?limit=2&cursor=CURSOR', key: 'read' },
  { what: 'no query at all', path: '/api/events', key: 'read' },
  { what: 'as admin', path: '/api/events?limit=1', key: 'admin' },
  {
    what: 'filtered by type, source and severity',
    path: '/api/events?type=parity.read&source=reader-1&severity=high&limit=10',
    key: 'read',
  },
  {
    what: 'a time range',
    path: '/api/events?from=2026-11-22T09:00:01Z&to=2026-11-22T09:00:03Z',
    key: 'read',
  },
  { what: 'a query in percent-encoding', path: '/api/events?type=parity%2Eread', key: 'read' },
  { what: 'limit 0', path: '/api/events?limit=0', key: 'read' },
  { what: 'a limit that is not a number', path: '/api/events?limit=abc', key: 'read' },
  { what: 'limit given twice', path: '/api/events?limit=1&limit=2', key: 'read' },
  { what: 'an unknown parameter', path: '/api/events?colour=red', key: 'read' },
  { what: 'a bad severity', path: '/api/events?severity=urgent', key: 'read' },
  { what: 'a bad time', path: '/api/events?from=yesterday', key: 'read' },
  { what: 'a bad cursor', path: '/api/events?cursor=not-a-cursor', key: 'read' },
  { what: 'an ingest key', path: '/api/events', key: 'ingest' },
  { what: 'a revoked key', path: '/api/events', key: 'revoked' },
  { what: 'no key', path: '/api/events', key: null },
  { what: 'a trailing slash (through Express)', path: '/api/events/?limit=1', key: 'read' },
  {
    what: 'a body (through Express)',
    path: '/api/events?limit=1',
    key: 'read',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  },
  {
    what: 'an empty body in another charset (through Express)',
    path: '/api/events?limit=1',
    key: 'read',
    headers: { 'content-type': 'application/json; charset=latin1' },
    body: '',
  },
  {
    what: 'If-None-Match: *',
    path: '/api/events?limit=1',
    key: 'read',
    headers: { 'if-none-match': '*' },
    raw: true,
  },
];

/**
 * The routes served ahead of Nest's router (GATEWAY_INGEST_DIRECT, the default: a plain JSON
 * POST or a GET with no body straight from the HTTP server, any other through Express) against
 * the same routes through Nest (GATEWAY_INGEST_DIRECT=false): two gateways on one database, sent
 * the same requests, must give the same answers, rate limits and metrics.
 */
describe('gateway: POST /api/events, POST /event and GET /api/events served directly answer as through Nest', () => {
  const prefix = `gw-direct-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let throughNest: RunningGateway;
  let direct: RunningGateway;
  const keys: Record<'managed' | 'revoked' | 'expired', MadeKey | undefined> = {
    managed: undefined,
    revoked: undefined,
    expired: undefined,
  };

  beforeAll(async () => {
    db = await createScratchDatabase('gwdirect');
    // What the listings read: 5 events a second apart, of two sources and two severities.
    await db.query(
      `INSERT INTO events (id, type, source, severity, occurred_at, value, payload)
       SELECT gen_random_uuid(), 'parity.read', 'reader-' || (g % 2),
              CASE WHEN g % 3 = 0 THEN 'low' ELSE 'high' END,
              '2026-11-22T09:00:00Z'::timestamptz + g * interval '1 second', g, jsonb_build_object('g', g)
         FROM generate_series(0, 4) g`,
    );
    throughNest = await startGateway(prefix, db.url, { ...LIMITS, GATEWAY_INGEST_DIRECT: 'false' });
    keys.managed = await makeKey(throughNest, { name: 'parity ingest', role: 'ingest' });
    keys.revoked = await makeKey(throughNest, { name: 'parity revoked', role: 'ingest' });
    keys.expired = await makeKey(throughNest, {
      name: 'parity expired',
      role: 'ingest',
      ttl: '2s',
    });
    expect((await throughNest.call('admin', 'DELETE', `/api/keys/${keys.revoked.id}`)).status).toBe(
      204,
    );
    // Started after the keys were made: it loads them all at start, as they are now.
    direct = await startGateway(prefix, db.url, LIMITS);
    await new Promise((resolve) =>
      setTimeout(resolve, new Date(keys.expired!.expiresAt!).getTime() - Date.now() + 50),
    );
  });
  afterAll(async () => {
    await direct?.app.stop();
    await throughNest?.app.stop();
    await db?.drop();
  });

  const send = (gateway: RunningGateway, request: Request): Promise<ApiAnswer> => {
    const { path, key, body, contentType } = request;
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    if (key === 'unknown') headers['x-api-key'] = 'not-a-key-of-this-gateway';
    else if (key === 'managed' || key === 'revoked' || key === 'expired') {
      headers['x-api-key'] = keys[key]!.key;
    }
    const role = key === null || !(key in TEST_KEYS) ? null : (key as keyof typeof TEST_KEYS);
    return callApi(gateway.url, role, 'POST', path, body, headers);
  };

  /**
   * Each request sent through Nest, then directly, in turn (so that both count the same
   * requests against the rate limit): how the answers differ, and the direct answers by name.
   */
  async function compareAnswers<R extends { what: string }>(
    requests: readonly R[],
    ask: (gateway: RunningGateway, request: R) => Promise<ApiAnswer>,
  ) {
    const differences: string[] = [];
    const answers: Record<string, ReturnType<typeof comparable>> = {};
    for (const request of requests) {
      const expected = comparable(await ask(throughNest, request));
      const actual = comparable(await ask(direct, request));
      answers[request.what] = actual;
      try {
        expect(actual).toEqual(expected);
      } catch (error) {
        differences.push(`${request.what}: ${(error as Error).message}`);
      }
    }
    return { differences, answers };
  }

  it('gives each good and bad request the same status, headers and body', async () => {
    const { differences, answers } = await compareAnswers(REQUESTS, send);
    const statuses = Object.fromEntries(
      Object.entries(answers).map(([what, answer]) => [what, answer.status]),
    );
    expect(differences).toEqual([]);
    // The requests did reach each check: what both answered to some of them.
    expect(statuses).toMatchObject({
      'one event': 202,
      'a key made by POST /api/keys': 202,
      'a revoked key': 401,
      'an expired key': 401,
      'a read key': 403,
      'too many events': 400,
      'a body over the limit': 413,
      legacy: 200,
      'legacy, an unknown property': 400,
      'a number after blanks': 400,
      'an empty JSON body': 400,
      'JSON after a byte order mark': 202,
      'JSON, charset named': 202,
      'JSON in another charset': 415,
    });
  });

  it('gives each good and bad listing the same status, headers and body', async () => {
    const read = (gateway: RunningGateway, request: Read, cursor: string) => {
      const headers: Record<string, string> = { ...request.headers };
      if (request.key === 'revoked') headers['x-api-key'] = keys.revoked!.key;
      const role = request.key === 'revoked' ? null : request.key;
      const { body } = request;
      return body === undefined && !request.raw
        ? callApi(
            gateway.url,
            role,
            'GET',
            request.path.replace('CURSOR', cursor),
            undefined,
            headers,
          )
        : rawGet(gateway.url, role, request.path, body, headers);
    };
    // Asked of both, so that both go on counting the same requests against the rate limit.
    const cursors = await Promise.all(
      [throughNest, direct].map(async (gateway) => {
        const firstPage = await callApi(gateway.url, 'read', 'GET', READS[0].path);
        return (firstPage.body as { nextCursor: string }).nextCursor;
      }),
    );
    const [cursor] = cursors;
    expect(cursor).toEqual(expect.any(String));
    expect(cursors[1]).toBe(cursor);
    const { differences, answers } = await compareAnswers(READS, (gateway, request) =>
      read(gateway, request, cursor),
    );
    expect(differences).toEqual([]);
    // The requests did reach each check, and the listings did list.
    const listed = Object.fromEntries(
      Object.entries(answers).map(([what, { status, body }]) => {
        const items = (body as { items?: unknown[] }).items;
        return [what, { status, ...(items ? { items: items.length } : {}) }];
      }),
    );
    expect(listed).toMatchObject({
      'a first page': { status: 200, items: 2 },
      'the next page': { status: 200, items: 2 },
      'no query at all': { status: 200, items: 5 },
      'filtered by type, source and severity': { status: 200, items: 1 },
      'a time range': { status: 200, items: 2 },
      'limit 0': { status: 400 },
      'an unknown parameter': { status: 400 },
      'a bad cursor': { status: 400 },
      'an ingest key': { status: 403 },
      'a revoked key': { status: 401 },
      'no key': { status: 401 },
      'a trailing slash (through Express)': { status: 200, items: 1 },
      'a body (through Express)': { status: 200, items: 1 },
      'an empty body in another charset (through Express)': { status: 415 },
      'If-None-Match: *': { status: 304 },
    });
  });

  it('survives a client that closes in the middle of a JSON body, and answers the next', async () => {
    const cutShort = (gateway: RunningGateway) => {
      const { hostname, port } = new URL(gateway.url);
      const body = JSON.stringify(event('parity.cut'));
      return new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(
            `POST /api/events HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
              `X-API-Key: ${TEST_KEYS.ingest}\r\nContent-Length: ${body.length}\r\n\r\n` +
              body.slice(0, 10),
            () => {
              socket.destroy();
              resolve();
            },
          );
        });
        socket.on('error', reject);
      });
    };
    // Both gateways meet it, so that they go on counting the same requests.
    for (const gateway of [throughNest, direct]) await cutShort(gateway);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const gateway of [throughNest, direct]) {
      const next = await send(gateway, REQUESTS[0]);
      expect([next.status, next.body]).toEqual([202, { ids: [expect.stringMatching(UUID)] }]);
    }
  });

  it('counts requests against the same rate limit, and in /metrics under the same route labels', async () => {
    // Both have counted the same requests so far: the same number is left of the limit.
    const over = async (gateway: RunningGateway) => {
      const answers: ReturnType<typeof comparable>[] = [];
      for (let i = 0; i < Number(LIMITS.GATEWAY_RATE_LIMIT_PER_MINUTE); i++) {
        answers.push(comparable(await send(gateway, REQUESTS[0])));
      }
      return answers;
    };
    const expected = await over(throughNest);
    const actual = await over(direct);
    expect(actual.map((a) => a.status)).toEqual(expected.map((a) => a.status));
    expect(actual).toEqual(expected);
    const limited = actual.at(-1)!;
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('seconds');
    expect(actual[0].headers['x-ratelimit-limit']).toBe(LIMITS.GATEWAY_RATE_LIMIT_PER_MINUTE);

    const countedLines = async (gateway: RunningGateway) =>
      String((await gateway.call(null, 'GET', '/metrics')).body)
        .split('\n')
        .filter((line) =>
          /^eventmon_http_requests_total\{method="(POST|GET)",route="(\/api\/events|\/event|unmatched)"/.test(
            line,
          ),
        )
        .sort();
    const counted = await countedLines(direct);
    expect(counted).toEqual(await countedLines(throughNest));
    expect(counted.join('\n')).toContain('route="/api/events",status="202"');
    expect(counted.join('\n')).toContain('route="/event",status="200"');
    expect(counted.join('\n')).toContain('method="GET",route="/api/events",status="200"');
    expect(counted.join('\n')).toContain('method="GET",route="/api/events",status="400"');
  });
});

/**
 * A GET as node:http sends it, with a body if given (which fetch will not send), answered with
 * the status, headers and parsed body callApi gives.
 */
function rawGet(
  url: string,
  role: keyof typeof TEST_KEYS | null,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<ApiAnswer> {
  const { hostname, port } = new URL(url);
  const allHeaders = {
    ...(role ? { 'x-api-key': TEST_KEYS[role] } : {}),
    ...headers,
    ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
  };
  return new Promise<ApiAnswer>((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port: Number(port), path, method: 'GET', headers: allHeaders },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) answerHeaders.set(name, String(value));
          }
          const isJson = (res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            headers: answerHeaders,
            body: isJson && text ? (JSON.parse(text) as unknown) : text,
          });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

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

/**
 * The routes served ahead of Nest's router (GATEWAY_INGEST_DIRECT, the default: a plain JSON
 * body straight from the HTTP server, any other through Express) against the
 * same routes through Nest (GATEWAY_INGEST_DIRECT=false): two gateways on one database, sent
 * the same requests, must give the same answers, rate limits and metrics.
 */
describe('gateway: POST /api/events and POST /event served directly answer as through Nest', () => {
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

  it('gives each good and bad request the same status, headers and body', async () => {
    const differences: string[] = [];
    const statuses: Record<string, number> = {};
    for (const request of REQUESTS) {
      const expected = comparable(await send(throughNest, request));
      const actual = comparable(await send(direct, request));
      statuses[request.what] = actual.status;
      try {
        expect(actual).toEqual(expected);
      } catch (error) {
        differences.push(`${request.what}: ${(error as Error).message}`);
      }
    }
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
          /^eventmon_http_requests_total\{method="POST",route="(\/api\/events|\/event|unmatched)"/.test(
            line,
          ),
        )
        .sort();
    const counted = await countedLines(direct);
    expect(counted).toEqual(await countedLines(throughNest));
    expect(counted.join('\n')).toContain('route="/api/events",status="202"');
    expect(counted.join('\n')).toContain('route="/event",status="200"');
  });
});

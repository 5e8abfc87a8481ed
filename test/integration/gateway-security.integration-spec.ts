import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { callApi, RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { AppHarness } from '../support/app-harness';
import { kafkaBrokers } from '../support/integration-env';

describe('gateway: authentication, limits and the HTTP basics', () => {
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  const prefix = `gw-sec-${uniqueSuffix()}-`;

  beforeAll(async () => {
    db = await createScratchDatabase('gwsec');
    gateway = await startGateway(prefix, db.url, { GATEWAY_BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('serves /health and /metrics without a key, and checks Kafka and PostgreSQL', async () => {
    const health = await gateway.call(null, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(Object.keys(health.body.info as object)).toEqual(
      expect.arrayContaining(['kafka', 'database']),
    );
    const metrics = await gateway.call(null, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('eventmon_http_requests_total');
  });

  it('answers 401 without a key or with an unknown one, 403 for a role that does not allow the route', async () => {
    const missing = await gateway.call(null, 'GET', '/api/audit');
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe('missing X-API-Key header');
    const unknown = await callApi(gateway.url, null, 'GET', '/api/audit', undefined, {
      'x-api-key': 'not-a-key-of-this-gateway',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('unknown API key');
    const ingest = await gateway.call('ingest', 'GET', '/api/audit');
    expect(ingest.status).toBe(403);
    expect(ingest.body.message).toContain('needs the "read" role');
    for (const role of ['read', 'admin'] as const) {
      const allowed = await gateway.call(role, 'GET', '/api/audit');
      expect(allowed.status).toBe(200);
      expect(allowed.body).toEqual({ items: [], nextCursor: null });
    }
  });

  it('never writes a key to its output', () => {
    for (const key of Object.values(TEST_KEYS)) expect(gateway.app.output()).not.toContain(key);
  });

  it('turns malformed JSON into 400 and an oversized body into 413, with a message', async () => {
    const malformed = await gateway.call('admin', 'POST', '/api/audit', '{"type": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^malformed JSON body/);
    const huge = await gateway.call('admin', 'POST', '/api/audit', { pad: 'x'.repeat(4096) });
    expect(huge.status).toBe(413);
    expect(huge.body.message).toBe('request body larger than the limit of 2048 bytes');
  });

  it('rejects unknown query fields, absurd limits and forged cursors with 400', async () => {
    const unknownField = await gateway.call('read', 'GET', '/api/audit?drop=table');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('property drop should not exist');
    const tooMany = await gateway.call('read', 'GET', '/api/audit?limit=100000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('limit must not be greater than 1000');
    const notNumber = await gateway.call('read', 'GET', '/api/audit?limit=ten');
    expect(notNumber.status).toBe(400);
    const forged = await gateway.call(
      'read',
      'GET',
      `/api/audit?cursor=${Buffer.from('["1; DROP TABLE"]').toString('base64url')}`,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.message).toBe('cursor must be the nextCursor of a previous page');
    const sqlish = await gateway.call('read', 'GET', "/api/audit?actor=admin'%20OR%201=1--");
    expect(sqlish.status).toBe(400);
  });

  it('sends helmet security headers and no x-powered-by', async () => {
    const answer = await gateway.call('read', 'GET', '/api/audit');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('x-powered-by')).toBeNull();
  });

  it('serves OpenAPI at /docs with the API key scheme and the routes', async () => {
    const ui = await gateway.call(null, 'GET', '/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.body)).toContain('swagger');
    const spec = await gateway.call(null, 'GET', '/docs/openapi.json');
    expect(spec.status).toBe(200);
    expect(
      (spec.body.components.securitySchemes as Record<string, unknown>)['api-key'],
    ).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    expect(Object.keys(spec.body.paths as object)).toEqual(
      expect.arrayContaining(['/api/audit', '/api/rules/preview', '/api/whoami']),
    );
    expect(openApiGaps(spec.body as OpenApiDocument)).toEqual([]);
  });

  it('counts requests by route template in /metrics', async () => {
    await gateway.call('read', 'GET', '/api/audit?limit=3');
    const metrics = await gateway.call(null, 'GET', '/metrics');
    expect(metrics.body).toMatch(
      /eventmon_http_requests_total\{method="GET",route="\/api\/audit",status="200",service="gateway"\} \d+/,
    );
    expect(metrics.body).toMatch(
      /eventmon_http_request_duration_seconds_bucket\{le="0.05",service="gateway",method="GET",route="\/api\/audit"\} [1-9]/,
    );
  });
});

describe('gateway: rate limit per client address', () => {
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwrate');
    gateway = await startGateway(`gw-rate-${uniqueSuffix()}-`, db.url, {
      GATEWAY_RATE_LIMIT_PER_MINUTE: '5',
    });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers 429 with Retry-After past the limit, and a forged X-Forwarded-For does not reset it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await gateway.call('read', 'GET', '/api/audit')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await gateway.call('read', 'GET', '/api/audit');
    expect(limited.status).toBe(429);
    expect(limited.body.message).toContain(
      'at most 5 requests per minute to this route per client address',
    );
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const forged = await callApi(gateway.url, 'read', 'GET', '/api/audit', undefined, {
      'x-forwarded-for': '203.0.113.7',
    });
    expect(forged.status).toBe(429);
    // Health probes are never limited.
    expect((await gateway.call(null, 'GET', '/health')).status).toBe(200);
  });
});

describe('gateway: configuration', () => {
  it('refuses to start with a malformed API_KEYS entry, without echoing the key', async () => {
    const secret = 'short-secret';
    const app = new AppHarness('gateway', {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      GATEWAY_PORT: '0',
      API_KEYS: `${secret}=root`,
    }).start();
    expect(await app.waitForExit()).toBe(1);
    expect(app.output()).toContain('API_KEYS');
    expect(app.output()).toContain('each entry must be key=role');
    expect(app.output()).not.toContain(secret);
  });
});

/** The parts of an OpenAPI document the completeness check reads. */
interface SchemaNode {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
}
type Content = Record<string, { schema?: SchemaNode; example?: unknown }>;
interface OperationNode {
  summary?: string;
  responses: Record<string, { content?: Content }>;
  requestBody?: { content: Content };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationNode>>;
  components: { schemas: Record<string, SchemaNode> };
}

/**
 * What a reader of /docs would miss: operations without a summary or a success schema,
 * the common refusals without an example, schema properties without an example or enum.
 */
function openApiGaps(spec: OpenApiDocument): string[] {
  const gaps: string[] = [];
  const schemaGaps = (ref: string, seen = new Set<string>()): void => {
    const name = ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return;
    seen.add(name);
    const schema = spec.components.schemas[name];
    for (const [property, definition] of Object.entries(schema.properties ?? {})) {
      const inner = definition.items ?? definition.allOf?.[0] ?? definition;
      if (inner.$ref) schemaGaps(inner.$ref, seen);
      else if (definition.example === undefined && !inner.enum && inner.type !== 'object') {
        gaps.push(`${name}.${property} has no example`);
      }
    }
  };
  const contentGaps = (where: string, content: Content | undefined): void => {
    for (const [mediaType, media] of Object.entries(content ?? {})) {
      if (mediaType === 'text/event-stream') continue;
      const schema = media.schema?.items ?? media.schema;
      if (!schema) gaps.push(`${where} ${mediaType} has no schema`);
      else if (schema.$ref) schemaGaps(schema.$ref);
      // An answer of one of several shapes (a time series grouped or not): each of them.
      for (const option of schema?.oneOf ?? []) if (option.$ref) schemaGaps(option.$ref);
    }
  };
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!path.startsWith('/api') && path !== '/event') continue;
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!operation.summary) gaps.push(`${where} has no summary`);
      const success = Object.entries(operation.responses).filter(([status]) =>
        status.startsWith('2'),
      );
      if (success.length === 0) gaps.push(`${where} has no success response`);
      for (const [status, response] of success) {
        if (status !== '204') {
          if (!response.content) gaps.push(`${where} ${status} has no content`);
          contentGaps(`${where} ${status}`, response.content);
        }
      }
      for (const status of ['401', '403', '429', '503']) {
        if (!operation.responses[status]?.content?.['application/json']?.example) {
          gaps.push(`${where} does not document ${status}`);
        }
      }
      if (operation.requestBody) contentGaps(`${where} body`, operation.requestBody.content);
    }
  }
  return gaps;
}

import { AppHarness, baseUrlOf } from './app-harness';
import { kafkaBrokers } from './integration-env';

/** API keys the gateway tests run with, one per role. */
export const TEST_KEYS = {
  read: 'test-read-key-0123456789',
  ingest: 'test-ingest-key-0123456789',
  admin: 'test-admin-key-0123456789',
} as const;
export type TestRole = keyof typeof TEST_KEYS;

export interface RunningGateway {
  app: AppHarness;
  url: string;
  /** A request as `role` (or with no key at all when role is null). */
  call(role: TestRole | null, method: string, path: string, body?: unknown): Promise<ApiAnswer>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A gateway process on the test broker and `databaseUrl`, on a free loopback port, with one
 * API key per role. `extraEnv` overrides (rate limits, body limits...).
 */
export async function startGateway(
  prefix: string,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningGateway> {
  const app = new AppHarness('gateway', {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    GATEWAY_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    API_KEYS: Object.entries(TEST_KEYS)
      .map(([role, key]) => `${key}=${role}`)
      .join(','),
    ...extraEnv,
  }).start();
  const url = await baseUrlOf(app);
  return { app, url, call: (role, method, path, body) => callApi(url, role, method, path, body) };
}

export async function callApi(
  url: string,
  role: TestRole | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  /** Fails the call (an AbortError) when no answer came within this; unbounded when absent. */
  timeoutMs?: number,
): Promise<ApiAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
    headers: {
      ...(role ? { 'x-api-key': TEST_KEYS[role] } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: isJson && text ? JSON.parse(text) : text,
  };
}

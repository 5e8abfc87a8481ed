import { ApiAnswer, callApi, RunningGateway } from './gateway';

/** A request made with `key` in X-API-Key (a key made through /api/keys, not a test role's). */
export const callWithKey = (
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> => callApi(url, null, method, path, body, { 'x-api-key': key });

/** A key as GET /api/keys lists it. */
export interface ListedKey {
  id: string;
  origin: 'api' | 'environment';
  name: string | null;
  role: string;
  principalId: string;
  prefix: string | null;
  state: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The answer to POST /api/keys: the listing's fields and the key itself. */
export interface MadeKey extends ListedKey {
  key: string;
}

/** POST /api/keys as the bootstrap admin; fails the test unless the key is made. */
export async function makeKey(
  gateway: RunningGateway,
  body: Record<string, unknown>,
): Promise<MadeKey> {
  const answer = await gateway.call('admin', 'POST', '/api/keys', body);
  if (answer.status !== 201) {
    throw new Error(`POST /api/keys answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body as MadeKey;
}

/** GET /api/keys as the bootstrap admin. */
export async function listKeys(gateway: RunningGateway): Promise<ListedKey[]> {
  const answer = await gateway.call('admin', 'GET', '/api/keys');
  expect(answer.status).toBe(200);
  return (answer.body as { items: ListedKey[] }).items;
}

/**
 * Milliseconds from `since` until `url` first answers `status` to `key` (GET /api/rules,
 * polled every 10 ms); throws with the last answer once `boundMs` have passed without it.
 */
export async function msUntilAnswered(
  url: string,
  key: string,
  status: number,
  since: number,
  boundMs: number,
): Promise<number> {
  for (;;) {
    const answer = await callWithKey(url, key, 'GET', '/api/rules');
    const elapsed = Date.now() - since;
    if (answer.status === status) return elapsed;
    if (elapsed > boundMs) {
      throw new Error(
        `still answered ${answer.status} (not ${status}) ${elapsed} ms after the change`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Asks both gateways the same requests and compares status and parsed body, following keyset
 * pages on each side with that side's own nextCursor (a differing cursor already shows as a
 * difference on the page that gave it).
 */
import { firstDifference, JsonDifference } from './json-diff';
import { PlannedRequest, RequestKind } from './url-plan';

export interface Gateway {
  baseUrl: string;
  apiKey: string;
}

interface Answer {
  status: number;
  body: unknown;
}

export interface UrlDifference {
  kind: RequestKind;
  oldPath: string;
  newPath: string;
  difference: JsonDifference;
  old: Answer;
  new: Answer;
}

export interface UrlComparison {
  compared: number;
  identical: number;
  byKind: Map<RequestKind, { compared: number; differing: number }>;
  /** Every difference found; the report shows the first few. */
  differences: UrlDifference[];
  /** Answers by status, old side (to see how many were refusals). */
  statuses: Map<number, number>;
}

const CONCURRENCY = 4;

async function ask(gateway: Gateway, path: string): Promise<Answer> {
  const response = await fetch(`${gateway.baseUrl}${path}`, {
    headers: { 'x-api-key': gateway.apiKey },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, body };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object without the named fields. */
function without(value: unknown, fields: readonly string[]): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([name]) => !fields.includes(name)));
}

/**
 * The answer with what legitimately differs between two runs left out:
 * - an event's `receivedAt` is the row's received_at, the time the consumer stored it;
 * - a dead letter's `id` (its offset on events.dlq) and the order of the list follow the
 *   order in which the consumer happened to process its partitions, and `failedAt` is the
 *   time it was dead-lettered: the list is compared as a set of the other fields.
 */
export function normalized(kind: RequestKind, body: unknown): unknown {
  if (kind === 'event') return without(body, ['receivedAt']);
  if (kind === 'listing' && isObject(body) && Array.isArray(body.items)) {
    return { ...body, items: body.items.map((item) => without(item, ['receivedAt'])) };
  }
  if (kind === 'dead letters' && Array.isArray(body)) {
    return body
      .map((item) => without(item, ['id', 'failedAt']))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return body;
}

const nextCursor = (body: unknown): string | undefined =>
  isObject(body) && typeof body.nextCursor === 'string' ? body.nextCursor : undefined;

const withCursor = (path: string, cursor: string) =>
  `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

export async function compareGateways(
  old: Gateway,
  current: Gateway,
  requests: readonly PlannedRequest[],
  onProgress: (done: number) => void = () => undefined,
): Promise<UrlComparison> {
  const result: UrlComparison = {
    compared: 0,
    identical: 0,
    byKind: new Map(),
    differences: [],
    statuses: new Map(),
  };
  const record = (kind: RequestKind, oldPath: string, newPath: string, a: Answer, b: Answer) => {
    const kindCount = result.byKind.get(kind) ?? { compared: 0, differing: 0 };
    result.byKind.set(kind, kindCount);
    kindCount.compared++;
    result.compared++;
    result.statuses.set(a.status, (result.statuses.get(a.status) ?? 0) + 1);
    const difference =
      a.status !== b.status
        ? { path: 'HTTP status', old: a.status, new: b.status }
        : firstDifference(normalized(kind, a.body), normalized(kind, b.body));
    if (difference) {
      kindCount.differing++;
      result.differences.push({ kind, oldPath, newPath, difference, old: a, new: b });
    } else {
      result.identical++;
    }
  };

  const compareOne = async (request: PlannedRequest) => {
    let oldPath = request.path;
    let newPath = request.path;
    for (let page = 0; ; page++) {
      const [a, b] = await Promise.all([ask(old, oldPath), ask(current, newPath)]);
      record(request.kind, oldPath, newPath, a, b);
      const [oldCursor, newCursor] = [nextCursor(a.body), nextCursor(b.body)];
      if (page >= (request.followPages ?? 0) || !oldCursor || !newCursor) return;
      oldPath = withCursor(request.path, oldCursor);
      newPath = withCursor(request.path, newCursor);
    }
  };

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      await compareOne(requests[next++]);
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return result;
}

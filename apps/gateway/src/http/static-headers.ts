import type { IncomingMessage, ServerResponse } from 'node:http';

export type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** What a middleware did to a response's headers, in order: set a value, or remove. */
type HeaderChange = [name: string, value: string | number | readonly string[] | undefined];

/** A middleware that calls `setHeaders` on each response (recordedHeaders' result). */
export function settingHeaders(setHeaders: (res: ServerResponse) => void): Middleware {
  return (_req, res, next) => {
    setHeaders(res);
    next();
  };
}

/**
 * What `middleware` does to every response's headers, as one function that does it again: for
 * a middleware that only sets and removes the same headers on every response (helmet with
 * fixed options), run once at start-up and replayed, the same headers in the same order,
 * without its chain of a dozen middlewares per request (3-4% of the gateway's CPU for a
 * one-event POST). Start-up fails if the middleware does anything else, or answers two
 * different requests differently.
 */
export function recordedHeaders(middleware: Middleware): (res: ServerResponse) => void {
  const changes = recordHeaderChanges(middleware, '/');
  if (
    JSON.stringify(recordHeaderChanges(middleware, '/api/other?x=1')) !== JSON.stringify(changes)
  ) {
    throw new Error('the middleware sets different headers for different requests');
  }
  return (res) => {
    for (const [name, value] of changes) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
  };
}

function recordHeaderChanges(middleware: Middleware, url: string): HeaderChange[] {
  const changes: HeaderChange[] = [];
  const refuse = (what: string) => () => {
    throw new Error(`the middleware ${what}: its headers cannot be computed once`);
  };
  const response = new Proxy(
    {
      setHeader: (name: string, value: HeaderChange[1]) => void changes.push([name, value]),
      removeHeader: (name: string) => void changes.push([name, undefined]),
    },
    {
      get: (target, property) =>
        property in target
          ? target[property as keyof typeof target]
          : refuse(`uses the response's ${String(property)}`)(),
      set: (_target, property) => refuse(`sets the response's ${String(property)}`)(),
    },
  ) as unknown as ServerResponse;
  const request = { method: 'GET', url, headers: {} } as IncomingMessage;
  let called = false;
  middleware(request, response, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error('the middleware passed an error');
    called = true;
  });
  if (!called) refuse('did not call next() at once')();
  return changes;
}

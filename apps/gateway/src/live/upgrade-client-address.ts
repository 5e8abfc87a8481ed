import type { IncomingMessage } from 'node:http';

/** What express adds to the requests it handles: its `request` prototype, holding `req.ip`. */
export interface ExpressRequestPrototype {
  request: object;
}

/**
 * The client address an upgrade request would have as `req.ip`, GATEWAY_TRUST_PROXY included,
 * so `/ws` is rate-limited per the same client as the HTTP routes. An upgrade never passes
 * through express, so this reads it through a view whose prototype is express's own request
 * (what express sets on every request it handles) rather than a second parser of
 * X-Forwarded-For that could disagree with the first.
 */
export function upgradeClientAddress(
  express: ExpressRequestPrototype,
  request: IncomingMessage,
): string {
  const view = Object.create(express.request, {
    headers: { value: request.headers },
    socket: { value: request.socket },
    connection: { value: request.socket },
  }) as { ip?: string };
  return view.ip ?? request.socket.remoteAddress ?? 'unknown';
}

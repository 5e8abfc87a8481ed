import type { WebSocket } from 'ws';
import type { LiveClient } from './live-incidents.service';

/** Close codes /ws uses (RFC 6455 §7.4.1), with reasons a person can act on. */
export const LiveSocketClose = {
  GoingAway: { code: 1001, reason: 'gateway shutting down: reconnect' },
  /** Policy violation: the client did not read fast enough to keep its buffer bounded. */
  TooSlow: { code: 1008, reason: 'too far behind: read faster, then reconnect' },
} as const;

/**
 * A WebSocket as a client of the live fan-out: each message one text frame, the same JSON as
 * the SSE `data:` line. A client dropped for being behind gets 1008; ws sends no more after the
 * close and destroys the socket if the client has not read up to the close frame within 30 s,
 * so a stuck client holds at most its limit and one message, for 30 s.
 */
export function websocketClient(socket: WebSocket, maxPendingBytes: number): LiveClient {
  return {
    transport: 'websocket',
    maxPendingBytes,
    send: (message) => socket.send(message.json),
    // Pings keep the connection open and find dead peers, on their own schedule (LiveSocketGateway).
    heartbeat: () => undefined,
    pendingBytes: () => socket.bufferedAmount,
    close: () => socket.close(LiveSocketClose.GoingAway.code, LiveSocketClose.GoingAway.reason),
    drop: () => socket.close(LiveSocketClose.TooSlow.code, LiveSocketClose.TooSlow.reason),
  };
}

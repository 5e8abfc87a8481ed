import type { IncomingHttpHeaders } from 'node:http';
import { API_KEY_HEADER } from '../auth/api-key.guard';

/** The protocol of /ws: the server answers with it, and only with it. */
export const LIVE_SUBPROTOCOL = 'eventmon.v1';
/** A browser, which cannot set headers, offers its key as the subprotocol `eventmon.key.<key>`. */
export const KEY_SUBPROTOCOL_PREFIX = 'eventmon.key.';

export type UpgradeCredential =
  { ok: true; key: string } | { ok: false; status: 400 | 401; message: string };

const refuse = (status: 400 | 401, message: string): UpgradeCredential => ({
  ok: false,
  status,
  message,
});

/** The subprotocols a client offered, in its order. */
export function offeredSubprotocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/**
 * The API key of a WebSocket upgrade: the X-API-Key header, or `eventmon.key.<key>` offered
 * next to `eventmon.v1` in Sec-WebSocket-Protocol. Never from the URL: URLs end up in access
 * logs and browser history, so a query string is refused rather than ignored. The messages
 * never repeat the key.
 */
export function upgradeCredential(
  url: string | undefined,
  headers: IncomingHttpHeaders,
): UpgradeCredential {
  if (url?.includes('?')) {
    return refuse(
      400,
      '/ws takes no query parameters: send the API key in X-API-Key or as the subprotocol eventmon.key.<key>, never in the URL',
    );
  }
  const offered = offeredSubprotocols(headers['sec-websocket-protocol']);
  const keyProtocols = offered.filter((protocol) => protocol.startsWith(KEY_SUBPROTOCOL_PREFIX));
  const header = headers[API_KEY_HEADER];
  if (Array.isArray(header)) return refuse(401, 'send one X-API-Key header');
  if (header !== undefined && header !== '') {
    if (keyProtocols.length > 0) {
      return refuse(
        400,
        'send the API key once: in X-API-Key or as an eventmon.key.<key> subprotocol, not both',
      );
    }
    return { ok: true, key: header };
  }
  if (keyProtocols.length === 0) {
    return refuse(
      401,
      'missing API key: send X-API-Key, or offer the subprotocols eventmon.v1 and eventmon.key.<key>',
    );
  }
  if (keyProtocols.length > 1) return refuse(400, 'offer one eventmon.key.<key> subprotocol');
  if (!offered.includes(LIVE_SUBPROTOCOL)) {
    return refuse(400, 'offer the subprotocol eventmon.v1 next to eventmon.key.<key>');
  }
  const key = keyProtocols[0].slice(KEY_SUBPROTOCOL_PREFIX.length);
  return key === '' ? refuse(401, 'missing API key after eventmon.key.') : { ok: true, key };
}

/** The subprotocol the server answers: eventmon.v1 when offered, else none (never the key). */
export const chosenSubprotocol = (offered: Iterable<string>): string | false =>
  [...offered].includes(LIVE_SUBPROTOCOL) ? LIVE_SUBPROTOCOL : false;

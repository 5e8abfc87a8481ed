import type { IncomingMessage } from 'node:http';
import WebSocket, { ClientOptions } from 'ws';
import { within } from './eventually';

/** The gateway's /ws URL (or another path on it) from its base URL. */
export const liveSocketUrl = (gatewayUrl: string, path = '/ws'): string =>
  `${gatewayUrl.replace(/^http/, 'ws')}${path}`;

export interface LiveSocket {
  socket: WebSocket;
  /** Every text frame received, in order. */
  messages: string[];
  /** The Sec-WebSocket-Protocol header the server answered with, if any. */
  answeredProtocol: string | undefined;
  /** Pings received from the server. */
  pings: number;
  /** Resolves with the close code and reason, whenever the connection ends. */
  closed: Promise<{ code: number; reason: string }>;
}

export interface LiveSocketOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  options?: ClientOptions;
}

/** Opens /ws with a real WebSocket client; rejects unless it is open within 10 s. */
export async function openLiveSocket(
  gatewayUrl: string,
  { headers = {}, protocols = [], options = {} }: LiveSocketOptions,
): Promise<LiveSocket> {
  const socket = new WebSocket(liveSocketUrl(gatewayUrl), protocols, { ...options, headers });
  const messages: string[] = [];
  let answeredProtocol: string | undefined;
  let pings = 0;
  socket.on('ping', () => pings++);
  socket.on('message', (data: Buffer) => messages.push(data.toString()));
  socket.on('upgrade', (response: IncomingMessage) => {
    answeredProtocol = response.headers['sec-websocket-protocol'];
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
    10_000,
    'the WebSocket opening',
  );
  return {
    socket,
    messages,
    closed,
    // Known once open: the server's answer came with the 101.
    answeredProtocol,
    get pings() {
      return pings;
    },
  };
}

/** An upgrade the gateway refuses (anything but 101): its HTTP status and JSON body. */
export async function refusedUpgrade(
  gatewayUrl: string,
  headers: Record<string, string>,
  protocols: string[] = [],
  path = '/ws',
): Promise<{ status: number; body: unknown; retryAfter?: string }> {
  const socket = new WebSocket(liveSocketUrl(gatewayUrl, path), protocols, { headers });
  socket.on('error', () => undefined); // the refusal itself is the answer
  const answer = new Promise<{ status: number; text: string; retryAfter?: string }>(
    (resolve, reject) => {
      socket.once('open', () => {
        socket.terminate();
        reject(new Error('the upgrade was accepted: a socket opened'));
      });
      socket.once('unexpected-response', (request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          request.destroy();
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, text, retryAfter });
        });
      });
    },
  );
  const { status, text, retryAfter } = await within(answer, 10_000, 'the refused upgrade');
  return { status, body: JSON.parse(text) as unknown, retryAfter };
}

import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { BeforeApplicationShutdown, Logger, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { WebSocket, WebSocketServer } from 'ws';
import { Principal, roleAllows } from '../auth';
import { ApiKeyAuthenticator } from '../keys/api-key-authenticator';
import { GatewayConfig } from '../gateway.config';
import { LiveIncidentsService, TooManyStreams } from './live-incidents.service';
import { chosenSubprotocol, upgradeCredential } from './live-socket-credentials';
import { upgradeClientAddress } from './upgrade-client-address';
import { LiveSocketClose, websocketClient } from './websocket-client';

interface Refusal {
  status: number;
  message: string;
  /** Sent as Retry-After with a 429 of the rate limit. */
  retryAfterSeconds?: number;
}

/** The HTTP routes' rate-limit window (GatewayModule's throttler); /ws counts in the same one. */
const RATE_WINDOW_MS = 60_000;

/** What the client sends is ignored: a frame larger than this closes it (1009). */
const MAX_CLIENT_FRAME_BYTES = 4096;

/**
 * `ws://host:port/ws` on the gateway's own HTTP port: the live incident messages of
 * `GET /api/incidents/stream`, one JSON text frame each. The API key is checked at the upgrade,
 * so a refused client gets an HTTP status and message and never a socket.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false })
export class LiveSocketGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger(LiveSocketGateway.name);
  private server?: WebSocketServer;
  /** Upgrades admitted whose socket is still open: what GATEWAY_WS_MAX_CLIENTS caps. */
  private admitted = 0;
  /** Sockets pinged that have not answered yet: a new socket is pinged before it is judged. */
  private readonly awaitingPong = new WeakSet<WebSocket>();
  private pinger?: NodeJS.Timeout;

  constructor(
    private readonly live: LiveIncidentsService,
    private readonly keys: ApiKeyAuthenticator,
    private readonly config: GatewayConfig,
    private readonly http: HttpAdapterHost,
    @InjectThrottlerStorage() private readonly rateCounts: ThrottlerStorage,
  ) {}

  afterInit(server: WebSocketServer): void {
    this.server = server;
    // The decorator's options are fixed when the class is defined, and the check needs the
    // injected keys and settings; ws reads these two options at every upgrade.
    server.options.verifyClient = (info, done) => {
      void this.refusalOf(info.req)
        .catch((error: Error): Refusal => {
          this.logger.error(`a /ws upgrade could not be checked: ${error.message}`);
          return { status: 500, message: 'the upgrade could not be checked' };
        })
        .then((refusal) => {
          if (!refusal) return done(true);
          const body = JSON.stringify({
            statusCode: refusal.status,
            message: refusal.message,
            error: STATUS_CODES[refusal.status],
          });
          done(false, refusal.status, body, {
            'Content-Type': 'application/json; charset=utf-8',
            ...(refusal.retryAfterSeconds
              ? { 'Retry-After': String(refusal.retryAfterSeconds) }
              : {}),
          });
        });
    };
    server.options.handleProtocols = (offered) => chosenSubprotocol(offered);
    this.pinger = setInterval(() => this.pingAll(server), this.config.wsPingSeconds * 1000);
  }

  handleConnection(socket: WebSocket): void {
    // Closed before Nest handed it over: its 'close' has fired, nothing would detach it.
    if (socket.readyState === socket.CLOSED) return;
    const detach = this.live.attach(websocketClient(socket, this.config.wsMaxBufferedBytes));
    socket.once('close', detach);
    socket.on('pong', () => this.awaitingPong.delete(socket));
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.pinger);
    for (const socket of this.server?.clients ?? []) {
      socket.close(LiveSocketClose.GoingAway.code, LiveSocketClose.GoingAway.reason);
    }
  }

  /** The rate limit first: every attempt counts, so keys cannot be guessed here faster than on HTTP. */
  private async refusalOf(request: IncomingMessage): Promise<Refusal | undefined> {
    return (await this.rateLimited(request)) ?? this.admit(request);
  }

  /** GATEWAY_RATE_LIMIT_PER_MINUTE upgrade attempts per client address, as each HTTP route has. */
  private async rateLimited(request: IncomingMessage): Promise<Refusal | undefined> {
    const address = upgradeClientAddress(this.http.httpAdapter.getInstance(), request);
    const limit = this.config.rateLimitPerMinute;
    const count = await this.rateCounts.increment(
      address,
      RATE_WINDOW_MS,
      limit,
      RATE_WINDOW_MS,
      'ws-upgrade',
    );
    if (!count.isBlocked) return undefined;
    return {
      status: 429,
      message: `rate limit exceeded: at most ${limit} WebSocket upgrades per minute per client address; retry after the number of seconds in Retry-After`,
      retryAfterSeconds: count.timeToBlockExpire,
    };
  }

  /**
   * Admits an upgrade, or says why not. An admitted one holds a slot of the process and one of
   * its key until its socket closes, however the upgrade ends.
   */
  private admit(request: IncomingMessage): Refusal | undefined {
    // Its 'close' has fired already: nothing would give the slots back.
    if (request.socket.destroyed) return { status: 400, message: 'connection closed' };
    const credential = upgradeCredential(request.url, request.headers);
    if (!credential.ok) return credential;
    let principal: Principal;
    try {
      // The same keys as the HTTP API: API_KEYS and managed ones, expiry and revocation included.
      principal = this.keys.principalOf(credential.key);
    } catch (error) {
      if (error instanceof UnauthorizedException) return { status: 401, message: error.message };
      throw error;
    }
    if (!roleAllows(principal.role, 'read')) {
      return {
        status: 403,
        message: `/ws needs the "read" role (or "admin"); your API key has "${principal.role}"`,
      };
    }
    if (this.admitted >= this.config.wsMaxClients) {
      return {
        status: 503,
        message: `this gateway already holds ${this.admitted} WebSocket clients, the most allowed (GATEWAY_WS_MAX_CLIENTS): retry later`,
      };
    }
    let release: () => void;
    try {
      release = this.live.reserve(principal.id);
    } catch (error) {
      if (error instanceof TooManyStreams) return { status: 429, message: error.message };
      throw error;
    }
    this.admitted++;
    request.socket.once('close', () => {
      this.admitted--;
      release();
    });
    return undefined;
  }

  /** A socket that has not answered the previous ping by now is gone: cut it off. */
  private pingAll(server: WebSocketServer): void {
    for (const socket of server.clients) {
      if (this.awaitingPong.has(socket)) {
        this.logger.log('a live WebSocket client missed a ping: terminated');
        socket.terminate();
        continue;
      }
      this.awaitingPong.add(socket);
      socket.ping();
    }
  }
}

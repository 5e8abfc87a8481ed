import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { BeforeApplicationShutdown, Logger, UnauthorizedException } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket, WebSocketServer } from 'ws';
import { Principal, roleAllows } from '../auth';
import { ApiKeyAuthenticator } from '../keys/api-key-authenticator';
import { GatewayConfig } from '../gateway.config';
import { LiveIncidentsService, TooManyStreams } from './live-incidents.service';
import { chosenSubprotocol, upgradeCredential } from './live-socket-credentials';
import { LiveSocketClose, websocketClient } from './websocket-client';

interface Refusal {
  status: number;
  message: string;
}

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
  ) {}

  afterInit(server: WebSocketServer): void {
    this.server = server;
    // The decorator's options are fixed when the class is defined, and the check needs the
    // injected keys and settings; ws reads these two options at every upgrade.
    server.options.verifyClient = (info, done) => {
      const refusal = this.admit(info.req);
      if (!refusal) return done(true);
      const body = JSON.stringify({
        statusCode: refusal.status,
        message: refusal.message,
        error: STATUS_CODES[refusal.status],
      });
      done(false, refusal.status, body, { 'Content-Type': 'application/json; charset=utf-8' });
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

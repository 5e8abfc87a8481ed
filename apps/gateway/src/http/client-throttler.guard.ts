import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { PUBLIC_ROUTE } from '@app/observability';

/**
 * The per-client rate limit. The client is `req.ip`: the socket's address unless
 * GATEWAY_TRUST_PROXY names the proxy in front, so a forged X-Forwarded-For buys nothing.
 * Probes and scrapers (`/health`, `/metrics`) are not limited: an orchestrator polling health
 * must never be told to slow down.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  /**
   * The throttler's own key (route, throttler, client) without its SHA-256: the storage is a
   * Map in this process, where hashing only cost CPU on every request (1% of a gateway taking
   * one event per request).
   */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${name}-${tracker}`;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(
      this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
        context.getHandler(),
        context.getClass(),
      ]) === true,
    );
  }
}

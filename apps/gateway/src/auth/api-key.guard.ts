import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@app/observability';
import { ACCESS_ROLE, ANY_ROLE, NeededAccess } from './access.decorator';
import { ApiKeyAuthenticator } from '../keys/api-key-authenticator';
import { Principal, roleAllows } from './api-keys';

export const API_KEY_HEADER = 'x-api-key';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Every route needs a known `X-API-Key` whose role allows it, except probes and scrapers: a
 * key of API_KEYS, or one made through /api/keys that is neither expired nor revoked.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const needed = this.reflector.getAllAndOverride<NeededAccess>(ACCESS_ROLE, targets) ?? 'admin';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.authenticate(request.headers[API_KEY_HEADER]);
    if (needed !== ANY_ROLE && !roleAllows(principal.role, needed)) {
      throw new ForbiddenException(
        `this route needs the "${needed}" role (or "admin"); your API key has "${principal.role}"`,
      );
    }
    request.principal = principal;
    return true;
  }

  private authenticate(header: string | string[] | undefined): Principal {
    if (header === undefined || header === '') {
      throw new UnauthorizedException('missing X-API-Key header');
    }
    if (Array.isArray(header)) throw new UnauthorizedException('send one X-API-Key header');
    return this.keys.principalOf(header);
  }
}

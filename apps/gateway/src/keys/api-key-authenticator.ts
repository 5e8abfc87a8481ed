import { Injectable, UnauthorizedException } from '@nestjs/common';
// Not from '../auth': its guard imports this file, and the cycle would leave ApiKeys undefined here.
import { ApiKeys, Principal } from '../auth/api-keys';
import { keyState } from '../auth/managed-key';
import { KeyUsageRecorder } from './key-usage-recorder';
import { ManagedKeyCache } from './managed-key-cache';

/**
 * Who an API key stands for: a key of API_KEYS, or one made through /api/keys that is
 * neither expired nor revoked. Every way in that takes a key (the HTTP guard, a socket's
 * upgrade) asks here, so they all accept and refuse the same keys.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly bootstrap: ApiKeys,
    private readonly managed: ManagedKeyCache,
    private readonly usage: KeyUsageRecorder,
  ) {}

  /** The key's principal; a 401 saying why not (unknown, expired or revoked) otherwise. */
  principalOf(key: string): Principal {
    const bootstrap = this.bootstrap.find(key);
    if (bootstrap) return bootstrap;
    const managed = this.managed.find(key);
    if (!managed) throw new UnauthorizedException('unknown API key');
    const state = keyState(managed, new Date());
    if (state !== 'active') throw new UnauthorizedException(`API key ${state}`);
    this.usage.used(managed.principal.keyId!);
    return managed.principal;
  }
}

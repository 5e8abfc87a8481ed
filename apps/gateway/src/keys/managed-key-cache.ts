import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
// Not from '../auth': its guard imports this file, and the cycle would leave ApiKeys undefined here.
import { ApiKeys, Principal } from '../auth/api-keys';
import { KeyLifetime, managedKeyHash } from '../auth/managed-key';
import { GatewayConfig } from '../gateway.config';
import { KeyChangeListener } from './key-change-listener';
import { ManagedKeysRepository } from './managed-keys.repository';

export interface ManagedKeyEntry extends KeyLifetime {
  principal: Principal;
}

/**
 * The keys of `api_keys` in memory, by digest, so authenticating a request costs no query.
 * Reloaded whole (a few rows) when PostgreSQL notifies a change, and every
 * GATEWAY_KEYS_RELOAD_MS in case a notification was lost.
 */
@Injectable()
export class ManagedKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  private readonly listener: KeyChangeListener;
  private byHash = new Map<string, ManagedKeyEntry>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly repository: ManagedKeysRepository,
    private readonly apiKeys: ApiKeys,
    private readonly config: GatewayConfig,
  ) {
    this.listener = new KeyChangeListener(config.databaseUrl, () => this.reloadInBackground());
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    await this.listener.start();
    this.timer = setInterval(() => this.reloadInBackground(), this.config.apiKeysReloadMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.listener.stop();
  }

  find(key: string): ManagedKeyEntry | undefined {
    // A lookup by the digest of what the caller sent: its timing says nothing about stored keys.
    return this.byHash.get(managedKeyHash(key));
  }

  /**
   * Reads the table again. A change that commits while a read is running may be missed by
   * it, so a call made then waits for one more read after it (calls meanwhile share that one).
   */
  reload(): Promise<void> {
    if (!this.running) {
      this.running = this.load().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private reloadInBackground(): void {
    this.reload().catch((error: Error) =>
      this.logger.warn(`reloading API keys failed, keeping the previous ones: ${error.message}`),
    );
  }

  private async load(): Promise<void> {
    const rows = await this.repository.credentials();
    this.byHash = new Map(
      rows.map((row) => [
        row.hash,
        {
          principal: this.apiKeys.managedPrincipal(row.role, row.id),
          expiresAt: row.expiresAt,
          revokedAt: row.revokedAt,
        },
      ]),
    );
  }
}

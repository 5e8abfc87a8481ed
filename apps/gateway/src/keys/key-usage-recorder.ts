import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { KeyUseBatch } from './key-usage';
import { ManagedKeysRepository } from './managed-keys.repository';

/** How often noted uses are written; each key appears at most once a minute anyway. */
const FLUSH_INTERVAL_MS = 10_000;

/** Keeps `api_keys.last_used_at` current to the minute without a write per request. */
@Injectable()
export class KeyUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  private readonly batch = new KeyUseBatch();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly repository: ManagedKeysRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Writes what is left, so a stopped gateway's last minute of uses is not lost: before the
   * shutdown hooks, one of which closes the database connections.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  used(keyId: string): void {
    this.batch.note(keyId, new Date());
  }

  private async flush(): Promise<void> {
    const uses = this.batch.take();
    try {
      await this.repository.recordUse(uses);
    } catch (error) {
      this.batch.putBack(uses);
      this.logger.warn(`recording API key uses failed: ${(error as Error).message}`);
    }
  }
}

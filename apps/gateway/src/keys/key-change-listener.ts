import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { API_KEYS_CHANGED_CHANNEL } from '@app/database';

/** A lost connection is retried this soon: notifications sent meanwhile are lost, not queued. */
const RECONNECT_DELAY_MS = 500;

/**
 * LISTENs on `api_keys_changed` on a connection of its own (a pooled one goes back to the
 * pool and stops listening) and calls `onChange` for every notification, and after every
 * (re)connection, since changes made while disconnected sent notifications nobody received.
 */
export class KeyChangeListener {
  private readonly logger = new Logger('ApiKeys');
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onChange: () => void,
  ) {}

  /** Resolves once listening; a first failure is logged and retried in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'eventmon-gateway-key-changes',
      connectionTimeoutMillis: 5000,
    });
    this.client = client;
    client.on('notification', () => this.onChange());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${API_KEYS_CHANGED_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    this.onChange();
  }

  private lost(client: Client, error?: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.logger.warn(
      `API key change notifications interrupted${error ? ` (${error.message})` : ''}: reconnecting in ${RECONNECT_DELAY_MS} ms`,
    );
    this.retry = setTimeout(() => void this.connect(), RECONNECT_DELAY_MS);
  }
}

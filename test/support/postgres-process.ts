import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../tools/stack/repo-root';

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A PostgreSQL server of the test's own (the stack CLI's `postgres` command in a child
 * process), so a test can take the database away and bring it back.
 */
export class PostgresProcess {
  private child: ChildProcess | undefined;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'eventmon-pg-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/eventmon`;
  }

  async start(): Promise<void> {
    const cli = join(repoRoot(), 'dist', 'tools', 'stack', 'cli.js');
    const child = spawn(
      process.execPath,
      [cli, 'postgres', '--port', String(this.port), '--dir', this.dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        output.push(line);
        if (line.includes('PostgreSQL ready')) resolve();
      };
      createInterface({ input: child.stdout }).on('line', onLine);
      createInterface({ input: child.stderr }).on('line', onLine);
      child.once('exit', (code) =>
        reject(new Error(`postgres exited with ${code}:\n${output.join('\n')}`)),
      );
    });
  }

  /** A clean server shutdown: connections are cut, as in a database restart or failover. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    this.child = undefined;
  }
}

/**
 * One build (a checkout with its dist/ built) as the comparison runs it: its own database,
 * migrated by its own migrations, its own broker, and its real consumer and gateway processes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { databaseClient } from './database-client';
import { Topic, topicName } from '@app/contracts';
import { onMaintenanceDatabase, withDatabaseName } from '../infra/scratch-database';
import { AppName, AppProcess } from '../stack/app-process';
import { Drained, waitUntilPersisted } from './drain';
import { kafkaClient } from './kafka-io';

export interface BuildSettings {
  label: 'old' | 'new';
  /** The checkout, already built. */
  dir: string;
  kafkaBrokers: string;
  /** Any database URL of the PostgreSQL server; the build gets a database of its own there. */
  serverUrl: string;
  /** Names this run's database, topics and consumer group. */
  runId: string;
  eventIdSecret: string;
  apiKey: string;
  consumerPort: number;
  gatewayPort: number;
  /** Variables both builds' services get on top of what the comparison sets. */
  extraEnv: Record<string, string>;
  drainTimeoutMs: number;
  log: (line: string) => void;
}

/** The last lines a service wrote, shown when it fails. */
const KEPT_LINES = 40;

export class BuildUnderTest {
  readonly kafka: Kafka;
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  private readonly processes = new Map<AppName, AppProcess>();
  private readonly lines = new Map<AppName, string[]>();

  constructor(readonly settings: BuildSettings) {
    for (const app of ['consumer', 'gateway'] as const) {
      const main = join(settings.dir, 'dist', 'apps', app, 'src', 'main.js');
      if (!existsSync(main))
        throw new Error(`${settings.label}: ${main} is missing (npm run build)`);
    }
    this.kafka = kafkaClient(settings.kafkaBrokers, `compare-${settings.label}`);
    this.databaseUrl = withDatabaseName(
      settings.serverUrl,
      `compare_${settings.runId}_${settings.label}`,
    );
    // The same names for both builds: ids of events sent without one hash the topic's name.
    this.topicPrefix = `compare-${settings.runId}-`;
    this.groupId = `compare-${settings.runId}-consumer`;
  }

  get label(): string {
    return this.settings.label;
  }

  get eventsTopic(): string {
    return topicName(Topic.Events, this.topicPrefix);
  }

  get deadLetterTopic(): string {
    return topicName(Topic.EventsDlq, this.topicPrefix);
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.settings.gatewayPort}`;
  }

  /** A fresh database with the build's own schema: its migrations, run by its migrate.js. */
  async createDatabase(): Promise<void> {
    const name = new URL(this.databaseUrl).pathname.slice(1);
    await onMaintenanceDatabase(this.settings.serverUrl, `CREATE DATABASE ${name}`);
    const migrate = join(this.settings.dir, 'dist', 'libs', 'database', 'src', 'migrate.js');
    const output = await run(process.execPath, [migrate], {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
    });
    this.settings.log(output.trim());
  }

  async dropDatabase(): Promise<void> {
    const name = new URL(this.databaseUrl).pathname.slice(1);
    await onMaintenanceDatabase(
      this.settings.serverUrl,
      `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
    );
  }

  startConsumer(): void {
    this.start('consumer', { CONSUMER_PORT: String(this.settings.consumerPort) });
  }

  /** SIGTERM: the consumer finishes its batch and commits, as in any deployment. */
  stopConsumer(): Promise<void> {
    return this.stop('consumer');
  }

  /** Waits until the running consumer has stored or dead-lettered everything published. */
  async waitUntilPersisted(): Promise<Drained> {
    const consumer = this.processes.get('consumer');
    if (!consumer) throw new Error(`${this.label}: no consumer running`);
    const db = databaseClient(this.databaseUrl);
    await db.connect();
    try {
      return await waitUntilPersisted({
        kafka: this.kafka,
        groupId: this.groupId,
        topic: this.eventsTopic,
        deadLetterTopic: this.deadLetterTopic,
        db,
        timeoutMs: this.settings.drainTimeoutMs,
        stillRunning: () => this.failureOf('consumer', consumer),
      });
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; the consumer's last lines:\n${this.lastLines('consumer')}`,
      );
    } finally {
      await db.end();
    }
  }

  /** Starts the gateway and waits until it is ready (its database and broker answer). */
  async startGateway(): Promise<void> {
    const gateway = this.start('gateway', {
      GATEWAY_PORT: String(this.settings.gatewayPort),
      API_KEYS: `${this.settings.apiKey}=read`,
      // One client asks well over the default 1,200 requests a minute.
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const failure = this.failureOf('gateway', gateway);
      if (failure) throw new Error(`${failure}; its last lines:\n${this.lastLines('gateway')}`);
      const status = await fetch(`${this.gatewayUrl}/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.label} gateway not ready after 90 s`);
      await sleep(500);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((app) => this.stop(app)));
  }

  private start(app: AppName, env: Record<string, string>): AppProcess {
    const lines: string[] = [];
    this.lines.set(app, lines);
    const child = new AppProcess(app, {
      repoRoot: this.settings.dir,
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: this.settings.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: this.topicPrefix,
        DATABASE_URL: this.databaseUrl,
        EVENT_ID_SECRET: this.settings.eventIdSecret,
        CONSUMER_GROUP_ID: this.groupId,
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...this.settings.extraEnv,
        ...env,
      },
      onLine: (line) => {
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
      },
    });
    child.start();
    this.processes.set(app, child);
    return child;
  }

  private async stop(app: AppName): Promise<void> {
    await this.processes.get(app)?.stop();
    this.processes.delete(app);
  }

  /** Undefined while the process runs. */
  private failureOf(app: AppName, child: AppProcess): string | undefined {
    if (child.running) return undefined;
    return `${this.label} ${app} exited`;
  }

  private lastLines(app: AppName): string {
    return (this.lines.get(app) ?? []).map((line) => `  ${line.slice(0, 600)}`).join('\n');
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args[0]} failed: ${output}`)),
    );
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The local stack: `node dist/tools/stack/cli.js <command>` (see `help`). Everything a
 * newcomer needs runs from here, on a machine with Node, Java 17 and Maven, and no Docker.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATABASE_URL } from '@app/config';
import { runMigrations } from '@app/database';
import { LocalKafkaBroker } from '../infra/kafka-broker';
import { LocalPostgres } from '../infra/local-postgres';
import { AppProcess, APPS } from './app-process';
import { configurationTable } from './config-docs';
import { CONFIGURATION_DOC, writeConfigurationDoc } from './config-docs-file';
import { ENV_EXAMPLE, writeEnvExample } from './env-example';
import { RunningInfrastructure, startInfrastructure } from './infrastructure';
import { repoRoot } from './repo-root';
import { SupervisedApp } from './supervised-app';
import { untilInterrupted } from './signals';
import { runJest, summaryLine } from './test-runner';

const root = repoRoot();
const log = (line: string) => process.stdout.write(`[stack] ${line}\n`);

const DEV = {
  stateDir: join(root, '.local'),
  kafkaPort: 9092,
  kafkaControllerPort: 9093,
  postgresPort: 55432,
};
// Separate ports and state so tests never touch a running development stack.
const TEST = {
  stateDir: join(root, '.local', 'test'),
  kafkaPort: 29092,
  kafkaControllerPort: 29093,
  postgresPort: 55433,
};

const DEFAULT_PORTS: Record<(typeof APPS)[number], number> = {
  gateway: 3000,
  consumer: 3001,
  alerting: 3002,
  propagator: 3003,
};

function infra(ports: typeof DEV): Promise<RunningInfrastructure> {
  return startInfrastructure({
    repoRoot: root,
    ...ports,
    externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    log,
  });
}

async function up(): Promise<number> {
  const running = await infra(DEV);
  const env = {
    // Predefined rules so a fresh stack alerts on the propagator's sample events.
    ALERTING_RULES_FILE: join(root, 'apps', 'alerting', 'rules.sample.yaml'),
    API_KEYS: `${localSecret(LOCAL_KEY_FILE)}=admin`,
    EVENT_ID_SECRET: localSecret(LOCAL_EVENT_ID_SECRET_FILE),
    ...process.env,
    KAFKA_BROKERS: running.kafkaBrokers,
    DATABASE_URL: running.databaseUrl,
  };
  const apps = APPS.map(
    (name) =>
      new SupervisedApp(
        new AppProcess(name, {
          repoRoot: root,
          env,
          onLine: (line) => process.stdout.write(`[${name.padEnd(10)}] ${line}\n`),
        }),
        log,
      ),
  );
  for (const app of apps) app.start();
  for (const name of APPS) {
    const port = process.env[`${name.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[name];
    log(`${name.padEnd(10)} http://127.0.0.1:${port}/health`);
  }
  if (!process.env.API_KEYS) log(`gateway admin API key (X-API-Key): in ${LOCAL_KEY_FILE}`);
  log('an app that dies is restarted; Ctrl-C stops everything');
  // Only an app that keeps dying right after each restart stops the stack (it needs a fix).
  const never = new Promise<never>(() => {});
  const firstGiveUp = Promise.race(
    apps.map(async (app) => {
      const end = await app.ended;
      return end.gaveUp ? end : never;
    }),
  );
  const outcome = await Promise.race([untilInterrupted().then(() => undefined), firstGiveUp]);
  if (outcome) log(`${outcome.name} cannot stay up; stopping the stack`);
  log('stopping apps');
  await Promise.all(apps.map((app) => app.stop()));
  log('stopping infrastructure');
  await running.stop();
  return outcome ? 1 : 0;
}

/** The local stack's admin key when API_KEYS is unset, so the dashboard and curl work at once. */
const LOCAL_KEY_FILE = join(DEV.stateDir, 'dev-api-key');
/**
 * The local stack's EVENT_ID_SECRET when unset. Kept beside the data: the stored ids of
 * id-less events were derived with it, and a redelivery must derive the same ones.
 */
const LOCAL_EVENT_ID_SECRET_FILE = join(DEV.stateDir, 'event-id-secret');

/**
 * A random secret made once per checkout and kept in a file only its owner can read (never
 * printed).
 */
function localSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(DEV.stateDir, { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function infraOnly(): Promise<number> {
  const running = await infra(DEV);
  log(`KAFKA_BROKERS=${running.kafkaBrokers}`);
  log(`DATABASE_URL=${running.databaseUrl}`);
  log('infrastructure is up; Ctrl-C stops it');
  await untilInterrupted();
  await running.stop();
  return 0;
}

async function kafkaOnly(args: string[]): Promise<number> {
  const port = Number(option(args, '--port') ?? DEV.kafkaPort);
  const broker = new LocalKafkaBroker({
    port,
    controllerPort: Number(option(args, '--controller-port') ?? port + 1),
    dataDir: option(args, '--dir') ?? join(DEV.stateDir, 'kafka'),
    log,
  });
  await broker.start();
  log(`Kafka broker ready at ${broker.brokers}; Ctrl-C stops it`);
  await untilInterrupted();
  await broker.stop();
  return 0;
}

/** Also used by the database-outage test, which stops and restarts its own server. */
async function postgresOnly(args: string[]): Promise<number> {
  const postgres = new LocalPostgres({
    port: Number(option(args, '--port') ?? DEV.postgresPort),
    dataDir: option(args, '--dir') ?? join(DEV.stateDir, 'postgres'),
    database: option(args, '--database') ?? 'eventmon',
  });
  await postgres.start();
  log(`PostgreSQL ready: ${postgres.url}`);
  await untilInterrupted();
  await postgres.stop();
  return 0;
}

async function migrate(): Promise<number> {
  const applied = await runMigrations(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  log(applied.length ? `applied ${applied.join(', ')}` : 'schema is up to date');
  return 0;
}

async function test(args: string[]): Promise<number> {
  const reportDir = TEST.stateDir;
  if (!process.env.KAFKA_BROKERS)
    rmSync(join(TEST.stateDir, 'kafka'), { recursive: true, force: true });
  if (!process.env.DATABASE_URL)
    rmSync(join(TEST.stateDir, 'postgres'), { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });

  const unit = await runJest(root, 'unit', 'jest.config.js', args, process.env, reportDir);
  log(summaryLine('unit', [unit]));

  const started = Date.now();
  const running = await infra(TEST);
  log(`test infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let integration;
  try {
    integration = await runJest(
      root,
      'integration',
      'jest.integration.config.js',
      ['--runInBand', ...args],
      { ...process.env, KAFKA_BROKERS: running.kafkaBrokers, DATABASE_URL: running.databaseUrl },
      reportDir,
    );
    log(summaryLine('integration', [integration]));
  } finally {
    await running.stop();
  }
  const results = [unit, integration];
  process.stdout.write(`${summaryLine('tests', results)}\n`);
  return results.every((r) => r.exitCode === 0 && r.failed === 0) ? 0 : 1;
}

/** `config` prints the table; `config --write` rewrites docs/configuration.md and .env.example. */
function config(args: string[]): Promise<number> {
  if (!args.includes('--write')) {
    process.stdout.write(`${configurationTable()}\n`);
  } else {
    log(`${CONFIGURATION_DOC} ${writeConfigurationDoc(root) ? 'rewritten' : 'is up to date'}`);
    log(`${ENV_EXAMPLE} ${writeEnvExample(root) ? 'rewritten' : 'is up to date'}`);
  }
  return Promise.resolve(0);
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

const HELP = `usage: node dist/tools/stack/cli.js <command>
  up         Kafka + PostgreSQL + migrations + all four apps (npm start); Ctrl-C stops everything
  infra      Kafka + PostgreSQL + migrations only
  kafka      a local Kafka broker only [--port 9092] [--dir .local/kafka]
  postgres   an embedded PostgreSQL only [--port 55432] [--dir .local/postgres] [--database eventmon]
  migrate    apply migrations to DATABASE_URL
  config     print the configuration table (every environment variable, per service)
             [--write: rewrite it in docs/configuration.md, and .env.example (npm run docs:config)]
  test       unit tests, then integration tests against a fresh local broker and database (npm test)
KAFKA_BROKERS and DATABASE_URL, when set, are used instead of starting local servers.`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  up,
  infra: infraOnly,
  kafka: kafkaOnly,
  postgres: postgresOnly,
  migrate,
  config,
  test,
};

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const run = command ? commands[command] : undefined;
  if (!run) {
    process.stdout.write(`${HELP}\n`);
    process.exit(command && command !== 'help' ? 2 : 0);
  }
  process.exit(await run(args));
}

main().catch((error: unknown) => {
  process.stderr.write(`[stack] ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});

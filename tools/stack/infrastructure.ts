import { join } from 'node:path';
import { runMigrations } from '@app/database';
import { LocalKafkaBroker } from '../infra/kafka-broker';
import { PostgresProcess } from '../infra/postgres-process';

export interface InfrastructureOptions {
  repoRoot: string;
  /** Folder for broker and database state, e.g. .local or .local/test. */
  stateDir: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  postgresPort: number;
  /** Use these instead of starting local servers (from KAFKA_BROKERS / DATABASE_URL). */
  externalKafkaBrokers?: string;
  externalDatabaseUrl?: string;
  log: (line: string) => void;
}

export interface RunningInfrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Brings up what the apps need: a Kafka broker and a PostgreSQL database with the schema
 * migrated. Either is skipped when the environment already points at one.
 */
export async function startInfrastructure(
  options: InfrastructureOptions,
): Promise<RunningInfrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((e: Error) => options.log(`stop failed: ${e.message}`));
  };
  try {
    let kafkaBrokers = options.externalKafkaBrokers;
    if (kafkaBrokers) {
      options.log(`Kafka: using KAFKA_BROKERS=${kafkaBrokers}`);
    } else {
      const broker = new LocalKafkaBroker({
        port: options.kafkaPort,
        controllerPort: options.kafkaControllerPort,
        dataDir: join(options.stateDir, 'kafka'),
        log: (line) => options.log(`kafka: ${line}`),
      });
      options.log(
        `Kafka: starting a local broker on 127.0.0.1:${options.kafkaPort} (logs in ${broker.logFile})`,
      );
      stops.push(() => broker.stop());
      await broker.start();
      kafkaBrokers = broker.brokers;
    }

    let databaseUrl = options.externalDatabaseUrl;
    if (databaseUrl) {
      options.log('PostgreSQL: using DATABASE_URL');
    } else {
      const postgres = new PostgresProcess({
        port: options.postgresPort,
        dataDir: join(options.stateDir, 'postgres'),
      });
      options.log(`PostgreSQL: starting an embedded server on 127.0.0.1:${options.postgresPort}`);
      stops.push(() => postgres.stop());
      await postgres.start();
      databaseUrl = postgres.url;
    }
    const applied = await runMigrations(databaseUrl);
    options.log(
      applied.length
        ? `PostgreSQL: applied ${applied.join(', ')}`
        : 'PostgreSQL: schema up to date',
    );
    return { kafkaBrokers, databaseUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

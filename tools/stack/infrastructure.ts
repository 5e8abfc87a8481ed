import { join } from 'node:path';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { runMigrations } from '@app/database';
import { kafkaConnectionFromEnv, kafkaConnectionOptions } from '@app/kafka';
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
  /** Where the KAFKA_SSL* / KAFKA_SASL_* settings for an external cluster come from. */
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningInfrastructure {
  kafkaBrokers: string;
  /**
   * What the stack's own Kafka clients connect with: the local broker in the clear, an
   * external cluster with the KAFKA_SSL* and KAFKA_SASL_* settings the services use too.
   */
  kafkaOptions: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;
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
    let kafkaOptions: RunningInfrastructure['kafkaOptions'];
    if (kafkaBrokers) {
      options.log(`Kafka: using KAFKA_BROKERS=${kafkaBrokers}`);
      kafkaOptions = kafkaConnectionOptions({
        ...kafkaConnectionFromEnv(options.env),
        kafkaBrokers: kafkaBrokers.split(','),
      });
      await checkKafka(kafkaOptions);
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
      kafkaOptions = { brokers: [broker.brokers] };
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
    return { kafkaBrokers, kafkaOptions, databaseUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * An external cluster is asked for its brokers once, with the services' own TLS and SASL
 * settings, so a wrong address, CA or password fails here in one line instead of in four
 * services at once.
 */
async function checkKafka(options: RunningInfrastructure['kafkaOptions']): Promise<void> {
  const admin = new Kafka({
    clientId: 'eventmon-stack',
    ...options,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(
      `Kafka at KAFKA_BROKERS=${options.brokers.toString()} cannot be used: ${(error as Error).message} ` +
        '(check KAFKA_SSL, KAFKA_SSL_CA_FILE and KAFKA_SASL_* if the cluster requires them)',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

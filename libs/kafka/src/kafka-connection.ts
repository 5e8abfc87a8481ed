import { readFileSync } from 'node:fs';
import { KafkaConfig, SASLOptions } from 'kafkajs';
import { KafkaConnectionConfig, loadConfig } from '@app/config';

/** The part of a service's configuration that says how to reach and authenticate to Kafka. */
export type KafkaConnectionSettings = Pick<
  KafkaConnectionConfig,
  | 'kafkaBrokers'
  | 'kafkaSsl'
  | 'kafkaSslCaFile'
  | 'kafkaSslCertFile'
  | 'kafkaSslKeyFile'
  | 'kafkaSslRejectUnauthorized'
  | 'kafkaSaslMechanism'
  | 'kafkaSaslUsername'
  | 'kafkaSaslPassword'
>;

/**
 * kafkajs' `brokers`, `ssl` and `sasl` options from the settings, for every client the project
 * builds (services, stack CLI, benchmarks, tests), so none of them connects in the clear to a
 * cluster that requires TLS or SASL.
 */
export function kafkaConnectionOptions(
  settings: KafkaConnectionSettings,
): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  return {
    brokers: settings.kafkaBrokers,
    ...(settings.kafkaSsl
      ? {
          ssl: {
            rejectUnauthorized: settings.kafkaSslRejectUnauthorized,
            ...pemFile('ca', settings.kafkaSslCaFile),
            ...pemFile('cert', settings.kafkaSslCertFile),
            ...pemFile('key', settings.kafkaSslKeyFile),
          },
        }
      : {}),
    ...(settings.kafkaSaslMechanism
      ? {
          sasl: {
            mechanism: settings.kafkaSaslMechanism,
            username: settings.kafkaSaslUsername,
            password: settings.kafkaSaslPassword,
          } as SASLOptions,
        }
      : {}),
  };
}

/**
 * The settings of a tool that has no configuration class of its own (stack CLI, benchmarks,
 * tests): the KAFKA_* environment variables, validated like a service's.
 */
export function kafkaConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): KafkaConnectionSettings {
  return loadConfig(KafkaConnectionConfig, { env });
}

function pemFile(option: 'ca' | 'cert' | 'key', file: string): Record<string, string> {
  return file ? { [option]: readFileSync(file, 'utf8') } : {};
}

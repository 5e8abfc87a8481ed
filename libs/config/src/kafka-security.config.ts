import { IsBoolean, IsIn, IsString } from 'class-validator';
import { Env } from './env.decorator';
import { Lowercase, ToBoolean } from './transforms';
import { OnlyWith, ReadableFile, RequiredWhen } from './validators';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How every service (and the stack CLI, benchmarks and tests) authenticates to Kafka: TLS,
 * SASL, or both (SASL_SSL). Without them anyone who reaches the broker can read and write
 * every topic, bypassing the gateway's API keys. Files are checked at start-up so a wrong
 * path fails with its variable's name instead of a TLS error at the first connection.
 */
export class KafkaSecurityConfig {
  @Env('KAFKA_SSL', 'Connect to Kafka over TLS (true/false)')
  @ToBoolean()
  @IsBoolean()
  kafkaSsl = false;

  @Env(
    'KAFKA_SSL_CA_FILE',
    "PEM file of the CA that signed the brokers' certificates; when unset, the system's trusted CAs",
  )
  @IsString()
  @ReadableFile()
  @OnlyWith((c: KafkaSecurityConfig) => c.kafkaSsl, 'KAFKA_SSL=true')
  kafkaSslCaFile = '';

  @Env(
    'KAFKA_SSL_CERT_FILE',
    'PEM client certificate for brokers that require mutual TLS (with KAFKA_SSL_KEY_FILE)',
  )
  @IsString()
  @ReadableFile()
  @OnlyWith((c: KafkaSecurityConfig) => c.kafkaSsl, 'KAFKA_SSL=true')
  @RequiredWhen((c: KafkaSecurityConfig) => c.kafkaSslKeyFile !== '', 'KAFKA_SSL_KEY_FILE')
  kafkaSslCertFile = '';

  @Env('KAFKA_SSL_KEY_FILE', 'PEM private key of KAFKA_SSL_CERT_FILE')
  @IsString()
  @ReadableFile()
  @RequiredWhen((c: KafkaSecurityConfig) => c.kafkaSslCertFile !== '', 'KAFKA_SSL_CERT_FILE')
  kafkaSslKeyFile = '';

  @Env(
    'KAFKA_SSL_REJECT_UNAUTHORIZED',
    'Refuse a broker whose certificate does not verify against the CA or its address; false only for a test broker',
  )
  @ToBoolean()
  @IsBoolean()
  kafkaSslRejectUnauthorized = true;

  @Env(
    'KAFKA_SASL_MECHANISM',
    'SASL mechanism to authenticate with: plain, scram-sha-256 or scram-sha-512 (unset: none)',
  )
  @Lowercase()
  @IsIn(['', ...KAFKA_SASL_MECHANISMS], {
    message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`,
  })
  @RequiredWhen(
    (c: KafkaSecurityConfig) => c.kafkaSaslUsername !== '' || c.kafkaSaslPassword !== '',
    'KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD',
  )
  kafkaSaslMechanism: KafkaSaslMechanism | '' = '';

  @Env('KAFKA_SASL_USERNAME', 'SASL user name (with KAFKA_SASL_MECHANISM)')
  @IsString()
  @RequiredWhen((c: KafkaSecurityConfig) => c.kafkaSaslMechanism !== '', 'KAFKA_SASL_MECHANISM')
  kafkaSaslUsername = '';

  @Env('KAFKA_SASL_PASSWORD', 'SASL password (with KAFKA_SASL_MECHANISM); never logged')
  @IsString()
  @RequiredWhen((c: KafkaSecurityConfig) => c.kafkaSaslMechanism !== '', 'KAFKA_SASL_MECHANISM')
  kafkaSaslPassword = '';
}

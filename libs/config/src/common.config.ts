import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { Env } from './env.decorator';
import { KafkaSecurityConfig } from './kafka-security.config';
import { CommaSeparated, ToNumber } from './transforms';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The local stack's embedded PostgreSQL (tools/stack) listens here unless DATABASE_URL says otherwise. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:55432/eventmon';

const BROKER_PATTERN = /^[^\s:]+:\d{1,5}$/;

function invalidBrokers(value: unknown): string {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((broker) => typeof broker !== 'string' || !BROKER_PATTERN.test(broker))
    .map((broker) => JSON.stringify(broker))
    .join(', ');
}

/**
 * Settings every service shares: where Kafka is and how to authenticate to it (the parent
 * class), how topics are named, how to log.
 */
export class KafkaConnectionConfig extends KafkaSecurityConfig {
  @Env('KAFKA_BROKERS', 'Comma-separated Kafka bootstrap servers')
  @CommaSeparated()
  @ArrayNotEmpty({ message: 'must list at least one broker, e.g. 127.0.0.1:9092' })
  @Matches(BROKER_PATTERN, {
    each: true,
    message: ({ value }: { value: unknown }) =>
      `each broker must be host:port, got ${invalidBrokers(value)}`,
  })
  kafkaBrokers: string[] = ['127.0.0.1:9092'];

  @Env(
    'KAFKA_TOPIC_PREFIX',
    'Prefix added to every topic name, to share a cluster between deployments',
  )
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  kafkaTopicPrefix = '';

  @Env('EVENTS_TOPIC_PARTITIONS', 'Partitions of the events topic when a service creates it')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  eventsTopicPartitions = 6;

  @Env(
    'KAFKA_STALL_TIMEOUT_MS',
    'A consumer with lag and no progress for this long is restarted, and /health/ready is 503 meanwhile',
  )
  @ToNumber()
  @IsInt()
  @Min(1000)
  kafkaStallTimeoutMs = 60_000;

  @Env('LOG_LEVEL', 'Lowest level logged: fatal, error, warn, log, debug or verbose')
  @IsIn(LOG_LEVELS)
  logLevel: LogLevelName = 'log';
}

export class HttpConfig extends KafkaConnectionConfig {
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  port: number;

  @Env('HTTP_HOST', 'Address the HTTP server binds (health, metrics, API)')
  @IsString()
  httpHost = '0.0.0.0';
}

/** A service that uses PostgreSQL. */
export class DatabaseServiceConfig extends HttpConfig {
  @Env('DATABASE_URL', 'PostgreSQL connection URL')
  @IsString()
  @MinLength(1)
  databaseUrl = DEFAULT_DATABASE_URL;

  @Env('DATABASE_POOL_SIZE', 'PostgreSQL connections one process may hold')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100)
  databasePoolSize = 5;
}

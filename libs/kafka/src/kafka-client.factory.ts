import { Logger } from '@nestjs/common';
import { LogLevelName } from '@app/config';
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { KafkaConnectionSettings, kafkaConnectionOptions } from './kafka-connection';
import { KafkaLogFilter, KafkaLogLevel } from './kafka-log-filter';

const LEVEL_NAMES: Partial<Record<logLevel, KafkaLogLevel>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
};

export interface KafkaClientOptions {
  connection: KafkaConnectionSettings;
  clientId: string;
  /** The service's LOG_LEVEL: at debug or verbose, kafkajs' own debug log comes out too. */
  logLevel?: LogLevelName;
}

/**
 * One kafkajs client per service. kafkajs logs go through the Nest logger so they come out
 * as the same structured JSON as everything else; only warnings and errors, since kafkajs
 * is chatty at info level (every group join, every connection), unless LOG_LEVEL=debug asks
 * for everything it does (what to read when a client stalls after a broker restart). A
 * brand-new broker's transient answers, which kafkajs retries by itself, go to debug
 * (KafkaLogFilter).
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = new Logger(`kafkajs:${options.clientId}`);
  const filter = new KafkaLogFilter();
  return new Kafka({
    clientId: options.clientId,
    ...kafkaConnectionOptions(options.connection),
    logLevel:
      options.logLevel === 'debug' || options.logLevel === 'verbose'
        ? logLevel.DEBUG
        : logLevel.WARN,
    // Long enough to ride out a broker restart, short enough to fail a health check visibly.
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        // Our services retry failed sends themselves (with backoff, until they succeed), so
        // kafkajs' bounded retries on idempotent producers are intended, not a risk to flag.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        const decision = filter.decide(LEVEL_NAMES[level] ?? 'debug', message, extra);
        const line = [decision.note, message, JSON.stringify(extra)].filter(Boolean).join(' ');
        logger[decision.level](line);
      },
  });
}

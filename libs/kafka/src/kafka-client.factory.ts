import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { LogLevelName } from '@app/config';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** The service's LOG_LEVEL: at debug or verbose, kafkajs' own debug log comes out too. */
  logLevel?: LogLevelName;
}

/**
 * One kafkajs client per service. kafkajs logs go through the Nest logger so they come out
 * as the same structured JSON as everything else; only warnings and errors, since kafkajs
 * is chatty at info level (every group join, every connection), unless LOG_LEVEL=debug asks
 * for everything it does (what to read when a client stalls after a broker restart).
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logger = new Logger(`kafkajs:${options.clientId}`);
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
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
        const line = `${message} ${JSON.stringify(extra)}`;
        if (level === logLevel.ERROR) logger.error(line);
        else if (level === logLevel.WARN) logger.warn(line);
        else logger.debug(line);
      },
  });
}

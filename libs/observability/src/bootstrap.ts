import { DynamicModule, INestApplication, Logger, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@app/config';
import { createJsonLogger } from './json-logger';

export interface ServiceBootstrapOptions {
  service: string;
  logLevel: LogLevel;
  port: number;
  host: string;
}

/**
 * Starts a service's Nest application with JSON logs, graceful shutdown on SIGTERM/SIGINT
 * (Nest runs each provider's shutdown hooks: stop fetching, finish the batch, commit) and
 * its HTTP server for /health and /metrics.
 */
export async function bootstrapService(
  module: Type<unknown> | DynamicModule,
  options: ServiceBootstrapOptions,
): Promise<INestApplication> {
  const logger = createJsonLogger(options.service, options.logLevel);
  const app = await NestFactory.create(module, { logger, bufferLogs: true, abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  const url = await app.getUrl();
  new Logger(options.service).log(
    `${options.service} ready: health at ${url}/health, metrics at ${url}/metrics`,
  );
  return app;
}

/**
 * Runs a service's main(), turning a bad configuration or a failed start into one clear
 * message and exit code 1 instead of a stack trace.
 */
export function runService(service: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `${service}: failed to start: ${(error as Error)?.stack ?? String(error)}\n`,
      );
    }
    process.exit(1);
  });
}

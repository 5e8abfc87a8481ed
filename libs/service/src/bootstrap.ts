import { DynamicModule, INestApplication, Logger, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, HttpConfig, loadConfig } from '@app/config';
import { createJsonLogger } from '@app/observability';

export interface ServiceBootstrapOptions {
  service: string;
  logLevel: LogLevel;
  port: number;
  host: string;
  /** HTTP set-up that must happen before the server listens (parsers, security headers...). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts a service's Nest application with JSON logs, graceful shutdown on SIGTERM/SIGINT
 * (each provider's shutdown hooks run: stop fetching, finish the batch, commit) and its HTTP
 * server for /health and /metrics.
 */
export async function bootstrapService(
  module: Type<unknown> | DynamicModule,
  options: ServiceBootstrapOptions,
): Promise<INestApplication> {
  const logger = createJsonLogger(options.service, options.logLevel);
  const app = await NestFactory.create(module, { logger, bufferLogs: true, abortOnError: false });
  exitGracefullyOnSignals(app, options.service);
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  const url = await app.getUrl();
  new Logger(options.service).log(
    `${options.service} ready: health at ${url}/health, metrics at ${url}/metrics`,
  );
  return app;
}

/**
 * Instead of Nest's enableShutdownHooks, which re-raises the signal after the hooks (so a
 * clean stop exits 143 and looks like a failure to supervisors and scripts), or its
 * useProcessExit option, which always exits 0 (hiding a service that stops itself on a fatal
 * error after setting process.exitCode): close the app, then exit with process.exitCode.
 * A second signal while closing is an impatient operator: exit at once with 130.
 */
function exitGracefullyOnSignals(app: INestApplication, service: string): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      process.stderr.write(
        `${service}: second ${signal}, exiting without waiting for the shutdown to finish\n`,
      );
      process.exit(130);
    }
    closing = true;
    new Logger(service).log(`${signal} received, shutting down`);
    app
      .close()
      .catch((error: unknown) => {
        new Logger(service).error(`shutdown failed: ${(error as Error)?.message ?? String(error)}`);
        process.exitCode = 1;
      })
      .finally(() => process.exit(process.exitCode ?? 0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
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

export interface ServiceMainOptions<C extends HttpConfig> {
  service: string;
  config: new () => C;
  /** Environment variable naming the service's optional YAML config file. */
  configFileVariable: string;
  module: (config: C) => DynamicModule;
  configure?: (app: INestApplication, config: C) => void | Promise<void>;
}

/** The whole main() of a service: load and validate its configuration, then start it. */
export function serviceMain<C extends HttpConfig>(options: ServiceMainOptions<C>): void {
  runService(options.service, async () => {
    const config = loadConfig(options.config, {
      yamlFile: process.env[options.configFileVariable],
    });
    await bootstrapService(options.module(config), {
      service: options.service,
      logLevel: config.logLevel,
      port: config.port,
      host: config.httpHost,
      configure: options.configure && ((app) => options.configure!(app, config)),
    });
  });
}

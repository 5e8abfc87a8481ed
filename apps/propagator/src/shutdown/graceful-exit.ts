import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

/**
 * Makes a graceful stop exit with status 0. Nest runs the shutdown hooks on SIGTERM/SIGINT
 * (bootstrapService enables them) and then re-raises the signal, so the process would die
 * "killed by SIGTERM" (status 143) even after a clean flush, which supervisors and scripts
 * running the load generator read as a failure. Listening to the signals ourselves turns
 * that re-raised signal into exit(0). A second signal while the flush is still running is
 * an impatient operator: exit at once, status 130, without waiting for the flush.
 */
@Injectable()
export class GracefulExit implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private closed = false;
  private signals = 0;

  onModuleInit(): void {
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
  }

  onApplicationShutdown(): void {
    this.closed = true;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.closed) process.exit(0);
    if (++this.signals > 1) {
      this.logger.warn(`second ${signal}: exiting without waiting for pending events`);
      process.exit(130);
    }
  };
}

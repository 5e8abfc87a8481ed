import { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: unknown;
  params: unknown[];
}

/** A LoggerService that keeps what it is told, for asserting on log lines. */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'log', message, params });
  }
  error(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'error', message, params });
  }
  warn(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'warn', message, params });
  }
  debug(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'debug', message, params });
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'verbose', message, params });
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.entries.push({ level: 'fatal', message, params });
  }

  /** Everything logged, as one string, for "this secret never appears" checks. */
  text(): string {
    return JSON.stringify(this.entries);
  }
}

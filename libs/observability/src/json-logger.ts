import { ConsoleLogger, LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** One JSON object per line on stdout, so log shippers need no parsing rules. */
export function createJsonLogger(service: string, lowest: LogLevel = 'log'): ConsoleLogger {
  const logLevels = ORDER.slice(0, ORDER.indexOf(lowest) + 1);
  return new ConsoleLogger(service, { json: true, logLevels, colors: false });
}

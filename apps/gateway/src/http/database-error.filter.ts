import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { RetryLaterException } from './retry-later.exception';

// PostgreSQL's "data exception" class: input the database could not take as the type it needs.
const INPUT_ERROR_CODES = new Set(['22P02', '22007', '22008', '22003', '22001', '22023']);

// Class 08 (connection exception) and 57P01-57P03 (shutting down, restarting, not accepting).
const UNAVAILABLE_CODE = /^(08...|57P0[1-3])$/;
// Node's own errors while reaching the server.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
// pg-pool's and pg's messages: every connection busy past connectionTimeoutMillis, or one dropped.
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated/i;

/** How long a client should wait before retrying a request the database could not take. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

type DriverError = Error & { code?: string; driverError?: { code?: string } };

export type DatabaseFailure = 'input' | 'unavailable' | 'other';

/** What a database error means for the client. Pure, so it is unit-tested on its own. */
export function classifyDatabaseError(error: unknown): DatabaseFailure {
  if (!(error instanceof Error)) return 'other';
  const { code, driverError } = error as DriverError;
  const sqlState = code ?? driverError?.code;
  if (sqlState && INPUT_ERROR_CODES.has(sqlState)) return 'input';
  if (sqlState && (UNAVAILABLE_CODE.test(sqlState) || UNREACHABLE_CODES.has(sqlState))) {
    return 'unavailable';
  }
  return UNAVAILABLE_MESSAGE.test(error.message) ? 'unavailable' : 'other';
}

/**
 * A safety net behind the DTOs and the pool:
 * - a value that still reaches PostgreSQL in a shape it rejects (a malformed UUID or
 *   timestamp) is a 400 naming it;
 * - a database that is down, restarting or has no free connection (every pooled connection
 *   busy past the pool's timeout under load) is a 503 with `Retry-After`, which clients and
 *   load balancers know to retry, rather than a 500 that looks like a bug.
 * - a RetryLaterException (Kafka writes queued past their bound) is its 503 with its
 *   `Retry-After`.
 * Everything else goes to Nest's default handling (HttpExceptions as they are, 500 otherwise).
 */
@Catch()
export class DatabaseErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    switch (classifyDatabaseError(error)) {
      case 'input':
        super.catch(new BadRequestException(`invalid input: ${(error as Error).message}`), host);
        return;
      case 'unavailable':
        host
          .switchToHttp()
          .getResponse<Response>()
          .setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
        super.catch(
          new ServiceUnavailableException('the database is busy or unavailable; retry shortly'),
          host,
        );
        return;
      default:
        if (error instanceof RetryLaterException) {
          host
            .switchToHttp()
            .getResponse<Response>()
            .setHeader('Retry-After', String(error.retryAfterSeconds));
        }
        super.catch(error, host);
    }
  }
}

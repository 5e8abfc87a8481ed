import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { QueryFailedError } from 'typeorm';

// PostgreSQL's "data exception" class: input the database could not take as the type it needs.
const INPUT_ERROR_CODES = new Set(['22P02', '22007', '22008', '22003', '22001', '22023']);

/**
 * A safety net behind the DTOs: should a value still reach PostgreSQL in a shape it rejects
 * (a malformed UUID or timestamp), the client gets a 400 naming it, not a 500.
 */
@Catch(QueryFailedError)
export class DatabaseInputFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(error: QueryFailedError & { code?: string }, host: ArgumentsHost): void {
    if (error.code && INPUT_ERROR_CODES.has(error.code)) {
      super.catch(new BadRequestException(`invalid input: ${error.message}`), host);
      return;
    }
    super.catch(error, host);
  }
}

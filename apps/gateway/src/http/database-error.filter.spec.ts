import { NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { classifyDatabaseError } from './database-error.filter';

const queryFailed = (code: string, message = 'failed') =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('classifyDatabaseError', () => {
  it('calls data exceptions bad input', () => {
    expect(classifyDatabaseError(queryFailed('22P02', 'invalid input syntax for type uuid'))).toBe(
      'input',
    );
    expect(classifyDatabaseError(queryFailed('22007'))).toBe('input');
  });

  it('calls an exhausted pool, a refused connection and a shutting-down server unavailable', () => {
    expect(classifyDatabaseError(new Error('timeout exceeded when trying to connect'))).toBe(
      'unavailable',
    );
    expect(
      classifyDatabaseError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('unavailable');
    expect(classifyDatabaseError(queryFailed('57P01', 'terminating connection'))).toBe(
      'unavailable',
    );
    expect(classifyDatabaseError(queryFailed('08006'))).toBe('unavailable');
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(
      'unavailable',
    );
  });

  it('leaves everything else alone: HTTP errors, constraint violations, bugs', () => {
    expect(classifyDatabaseError(new NotFoundException('no such rule'))).toBe('other');
    expect(classifyDatabaseError(queryFailed('23505', 'duplicate key'))).toBe('other');
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBe('other');
    expect(classifyDatabaseError('a string')).toBe('other');
  });
});

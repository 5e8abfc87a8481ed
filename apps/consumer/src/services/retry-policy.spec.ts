import { classifyDatabaseError, FailureKind } from './retry-policy';

describe('classifyDatabaseError', () => {
  it.each([
    ['22P02', FailureKind.PoisonData], // invalid text representation
    ['22P05', FailureKind.PoisonData], // untranslatable character (NUL in jsonb)
    ['23514', FailureKind.PoisonData], // check violation
    ['54001', FailureKind.PoisonData], // statement too complex (deep jsonb)
    ['08006', FailureKind.Transient], // connection failure
    ['57P01', FailureKind.Transient], // admin shutdown
    ['40P01', FailureKind.Transient], // deadlock detected
    ['42P01', FailureKind.Transient], // undefined table: migrations not run yet
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyDatabaseError({ code })).toBe(kind);
  });

  it('retries errors without a SQLSTATE (connection refused, timeouts)', () => {
    expect(
      classifyDatabaseError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(FailureKind.Transient);
    expect(classifyDatabaseError(new Error('Query read timeout'))).toBe(FailureKind.Transient);
    expect(classifyDatabaseError(undefined)).toBe(FailureKind.Transient);
  });
});

import { statementName } from './generic-plan-statements';

describe('statementName', () => {
  it('names each statement text apart, within 63 bytes', () => {
    const first = statementName('SELECT 1');
    expect(first).toMatch(/^eventmon_[0-9a-f]{32}$/);
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(63);
    expect(statementName('SELECT 1')).toBe(first);
    expect(statementName('SELECT 2')).not.toBe(first);
  });
});

import { ALERTING_V8_FLAGS, missingV8Flags } from './v8-heap-tuning';

describe('alerting V8 flags', () => {
  it('names the command-line options the process lacks', () => {
    expect(ALERTING_V8_FLAGS).toContain('--no-memory-reducer');
    expect(missingV8Flags(['--enable-source-maps'])).toEqual([...ALERTING_V8_FLAGS]);
    expect(missingV8Flags(['--enable-source-maps', ...ALERTING_V8_FLAGS])).toEqual([]);
  });
});

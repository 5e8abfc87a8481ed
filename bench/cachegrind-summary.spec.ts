import { instructionsIn } from './cachegrind-summary';

describe('instructionsIn', () => {
  it("reads the instruction count of cachegrind's summary, without its thousands commas", () => {
    const summary = [
      '==5784== Cachegrind, a cache and branch-prediction profiler',
      '==5784== ',
      '==5784== I   refs:      4,669,260,147',
      '==5784== I1  misses:       43,183,891',
      '==5784== D   refs:      1,849,175,886  (1,240,187,325 rd   + 608,988,561 wr)',
    ].join('\n');
    expect(instructionsIn(summary)).toBe(4_669_260_147);
  });

  it('has no count for a run that ended before its summary', () => {
    expect(instructionsIn('==5784== Process terminating with default action of signal 9')).toBe(
      undefined,
    );
  });
});

import { lookbackMs, planReplay } from './replay-plan';

describe('planReplay', () => {
  it('replays from the look-back instant up to the committed offset', () => {
    expect(planReplay([{ partition: 0, committed: 500n, atLookback: 120n, high: 900n }])).toEqual([
      { partition: 0, replayFrom: 120n, resumeAt: 500n },
    ]);
  });

  it('resumes at the end of the log for a group that never committed', () => {
    expect(planReplay([{ partition: 1, committed: -1n, atLookback: 40n, high: 70n }])).toEqual([
      { partition: 1, replayFrom: 40n, resumeAt: 70n },
    ]);
  });

  it('has nothing to replay when the look-back holds no record or starts after the commit', () => {
    expect(
      planReplay([
        { partition: 0, committed: 10n, atLookback: -1n, high: 10n },
        { partition: 1, committed: 10n, atLookback: 12n, high: 15n },
      ]),
    ).toEqual([
      { partition: 0, replayFrom: 10n, resumeAt: 10n },
      { partition: 1, replayFrom: 10n, resumeAt: 10n },
    ]);
  });

  it('looks back over the longest window plus the grace period', () => {
    expect(lookbackMs([60, 300, 5], 5000)).toBe(300_000 + 5000 + 1000);
    expect(lookbackMs([], 0)).toBe(1000);
  });
});

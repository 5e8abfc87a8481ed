import {
  lookbackMs,
  ruleSpanSeconds,
  planReplay,
  rulesPositionMetadata,
  rulesPositionOf,
} from './replay-plan';

const offsets = (o: {
  partition: number;
  committed: bigint;
  atLookback: bigint;
  high: bigint;
}) => ({
  ...o,
  metadata: rulesPositionMetadata(7),
});

describe('planReplay', () => {
  it('replays from the look-back instant up to the committed offset, silently for the rules it was made under', () => {
    expect(
      planReplay([offsets({ partition: 0, committed: 500n, atLookback: 120n, high: 900n })]),
    ).toEqual([
      { partition: 0, replayFrom: 120n, resumeAt: 500n, silentBelow: 500n, knownRules: 7 },
    ]);
  });

  it('replays the look-back of a group that never committed with notifications, up to the end of the log', () => {
    expect(
      planReplay([{ partition: 1, committed: -1n, atLookback: 40n, high: 70n, metadata: null }]),
    ).toEqual([
      { partition: 1, replayFrom: 40n, resumeAt: 70n, silentBelow: -1n, knownRules: Infinity },
    ]);
  });

  it('has nothing to replay when the look-back holds no record or starts after the commit', () => {
    expect(
      planReplay([
        offsets({ partition: 0, committed: 10n, atLookback: -1n, high: 10n }),
        offsets({ partition: 1, committed: 10n, atLookback: 12n, high: 15n }),
      ]),
    ).toEqual([
      { partition: 0, replayFrom: 10n, resumeAt: 10n, silentBelow: 10n, knownRules: 7 },
      { partition: 1, replayFrom: 10n, resumeAt: 10n, silentBelow: 10n, knownRules: 7 },
    ]);
  });

  it('looks back over the longest window plus the grace period', () => {
    expect(lookbackMs([60, 300, 5], 5000)).toBe(300_000 + 5000 + 1000);
    expect(lookbackMs([], 0)).toBe(1000);
  });

  it('a rule with forSeconds looks back over its window plus forSeconds', () => {
    const window = { kind: 'sliding' as const, seconds: 60 };
    expect(ruleSpanSeconds({ window })).toBe(60);
    expect(ruleSpanSeconds({ window, forSeconds: 45 })).toBe(105);
    expect(lookbackMs([ruleSpanSeconds({ window, forSeconds: 45 })], 5000)).toBe(111_000);
  });
});

describe('rulesPositionOf', () => {
  it('reads the alert-rules position a commit was made under', () => {
    expect(rulesPositionOf(rulesPositionMetadata(42))).toBe(42);
    expect(rulesPositionOf(rulesPositionMetadata(-1))).toBe(-1);
  });

  it('treats a commit without it (made before rule versions) as made under every rule', () => {
    expect(rulesPositionOf(null)).toBe(Infinity);
    expect(rulesPositionOf('')).toBe(Infinity);
  });
});

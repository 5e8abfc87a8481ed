import { RestartPolicy } from './restart-policy';

const options = { baseDelayMs: 1000, maxDelayMs: 5000, stableAfterMs: 60_000, maxQuickFailures: 4 };

describe('RestartPolicy', () => {
  it('doubles the delay while the app keeps dying young, up to the maximum', () => {
    const policy = new RestartPolicy(options);
    expect([1, 2, 3, 4].map(() => policy.afterUnexpectedExit(500))).toEqual([
      1000, 2000, 4000, 5000,
    ]);
  });

  it('gives up after the allowed quick failures in a row', () => {
    const policy = new RestartPolicy({ ...options, maxQuickFailures: 2 });
    expect(policy.afterUnexpectedExit(100)).toBe(1000);
    expect(policy.afterUnexpectedExit(100)).toBe(2000);
    expect(policy.afterUnexpectedExit(100)).toBeNull();
  });

  it('starts over after an app ran long enough to count as healthy', () => {
    const policy = new RestartPolicy({ ...options, maxQuickFailures: 2 });
    policy.afterUnexpectedExit(100);
    policy.afterUnexpectedExit(100);
    expect(policy.afterUnexpectedExit(60_000)).toBe(1000);
    expect(policy.afterUnexpectedExit(100)).toBe(2000);
  });
});

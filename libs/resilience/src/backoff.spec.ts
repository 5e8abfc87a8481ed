import { backoffDelay, jitteredInterval } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the initial delay, jittered within [ceiling/2, ceiling], up to the cap', () => {
    expect(backoffDelay(1, 1000, 30000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 30000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 30000, () => 1)).toBe(8000);
    expect(backoffDelay(40, 1000, 30000, () => 1)).toBe(30000);
    expect(backoffDelay(40, 1000, 30000, () => 0)).toBe(15000);
  });

  it('never exceeds the cap however many attempts', () => {
    expect(backoffDelay(1000, 200, 10000, () => 0.5)).toBe(7500);
    expect(backoffDelay(1000, 200, 10000, () => 1)).toBe(10000);
  });
});

describe('jitteredInterval', () => {
  it('stays within the interval plus or minus the jitter', () => {
    expect(jitteredInterval(1000, 0.2, () => 0)).toBe(800);
    expect(jitteredInterval(1000, 0.2, () => 0.5)).toBe(1000);
    expect(jitteredInterval(1000, 0.2, () => 0.9999)).toBe(1200);
    expect(jitteredInterval(1, 0.5, () => 0)).toBe(1);
  });
});

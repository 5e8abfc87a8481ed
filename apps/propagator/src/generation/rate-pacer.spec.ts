import { Clock, systemClock } from './clock';
import { RatePacer } from './rate-pacer';

/** Drains `total` events through the pacer in batches of at most `batch`; records when each batch was granted. */
async function drain(pacer: RatePacer, total: number, batch: number) {
  const grants: { at: number; size: number }[] = [];
  let sent = 0;
  while (sent < total) {
    const size = await pacer.acquire(Math.min(batch, total - sent));
    grants.push({ at: Date.now(), size });
    sent += size;
  }
  return grants;
}

describe('RatePacer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('spreads N events over N / rate seconds, starting empty', async () => {
    const start = Date.now();
    const pacer = new RatePacer(1000, systemClock);
    const done = drain(pacer, 10_000, 500);
    await jest.advanceTimersByTimeAsync(20_000);
    const grants = await done;
    expect(grants.reduce((sum, g) => sum + g.size, 0)).toBe(10_000);
    const last = grants[grants.length - 1].at - start;
    expect(last).toBeGreaterThanOrEqual(9_950);
    expect(last).toBeLessThanOrEqual(10_050);
    // Never ahead of the rate at any point: events granted by t <= t x rate.
    let granted = 0;
    for (const grant of grants) {
      granted += grant.size;
      expect(granted).toBeLessThanOrEqual(((grant.at - start) * 1000) / 1000);
    }
  });

  it('sends full batches at high rates', async () => {
    const pacer = new RatePacer(20_000, systemClock);
    const done = drain(pacer, 100_000, 1000);
    await jest.advanceTimersByTimeAsync(6_000);
    const grants = await done;
    expect(grants.every((g) => g.size === 1000)).toBe(true);
    expect(grants).toHaveLength(100);
  });

  it('sends partial batches after the linger time at low rates', async () => {
    const start = Date.now();
    const pacer = new RatePacer(10, systemClock, { lingerMs: 50 });
    const done = drain(pacer, 20, 1000);
    await jest.advanceTimersByTimeAsync(5_000);
    const grants = await done;
    // One event every 100 ms, none waiting for a batch of 1000 to fill.
    expect(grants.every((g) => g.size === 1)).toBe(true);
    expect(grants[0].at - start).toBe(100);
    expect(grants[19].at - start).toBe(2_000);
  });

  it('handles rates below one event per second', async () => {
    const start = Date.now();
    const pacer = new RatePacer(0.5, systemClock);
    const done = drain(pacer, 3, 10);
    await jest.advanceTimersByTimeAsync(10_000);
    expect((await done).map((g) => g.at - start)).toEqual([2_000, 4_000, 6_000]);
  });

  it('catches up after a stall for at most the burst allowance', () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
    const pacer = new RatePacer(100, clock, { burstSeconds: 1 });
    now = 60_000; // the broker held the generator back for a minute
    expect(pacer.poll(50)).toEqual({ grant: 50, waitMs: 0 });
    expect(pacer.poll(50)).toEqual({ grant: 50, waitMs: 0 });
    // One second of credit is spent: 6000 events of debt were forgiven, not burst out.
    expect(pacer.poll(50).grant).toBe(0);
  });

  it('says how long to wait when nothing is due', () => {
    const now = 0;
    const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
    const pacer = new RatePacer(100, clock, { lingerMs: 50 });
    // 1 token after 10 ms, but a full batch of 10 takes 100 ms: wait for the linger time.
    expect(pacer.poll(10)).toEqual({ grant: 0, waitMs: 50 });
  });

  it('stops waiting when aborted', async () => {
    const pacer = new RatePacer(0.001, systemClock);
    const abort = new AbortController();
    const granted = pacer.acquire(1, abort.signal);
    abort.abort();
    await expect(granted).resolves.toBe(0);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RatePacer(0, systemClock)).toThrow('greater than 0');
  });
});

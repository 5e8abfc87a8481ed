import { SlidingWindowStorage } from './sliding-window-storage';

describe('SlidingWindowStorage', () => {
  const MINUTE = 60_000;
  let now: number;
  let storage: SlidingWindowStorage;
  const hit = (key = '127.0.0.1', limit = 3, blockDuration = MINUTE) =>
    storage.increment(key, MINUTE, limit, blockDuration, 'default');
  beforeEach(() => {
    now = Date.parse('2026-12-01T10:00:00Z');
    storage = new SlidingWindowStorage(() => now);
  });

  it('counts hits up to the limit, then blocks for the block duration', async () => {
    for (let n = 1; n <= 3; n++) {
      expect(await hit()).toMatchObject({ totalHits: n, isBlocked: false, timeToBlockExpire: 0 });
      now += 1_000;
    }
    const refused = await hit();
    expect(refused).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
    now += 30_000;
    // Refused requests do not count.
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 30 });
    now += 30_000;
    // The block is over, and every earlier hit is a minute old: out of the window.
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('lets hits leave the window one second-slot at a time', async () => {
    await hit('a', 100);
    now += 20_000;
    await hit('a', 100);
    now += 39_000;
    expect(await hit('a', 100)).toMatchObject({ totalHits: 3, timeToExpire: 1 });
    now += 1_000;
    expect(await hit('a', 100)).toMatchObject({ totalHits: 3, timeToExpire: 20 });
    now += 10 * MINUTE;
    expect(await hit('a', 100)).toMatchObject({ totalHits: 1, timeToExpire: 60 });
  });

  it('counts clients and throttlers apart', async () => {
    await hit('a');
    await hit('a');
    expect(await hit('b')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('a', MINUTE, 3, MINUTE, 'burst')).toMatchObject({
      totalHits: 1,
    });
  });

  it('without a block duration refuses only while the window is full', async () => {
    await hit('a', 1, 0);
    expect(await hit('a', 1, 0)).toMatchObject({ totalHits: 1, isBlocked: true });
    now += MINUTE;
    expect(await hit('a', 1, 0)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets idle clients about once a window, but not blocked ones', async () => {
    await hit('idle');
    for (let n = 0; n < 5; n++) await hit('blocked', 1, 10 * MINUTE);
    now += 2 * MINUTE;
    await hit('active');
    expect(storage.size).toBe(2);
  });
});

import { InFlightLimiter } from './in-flight-limiter';

describe('InFlightLimiter', () => {
  it('lets `limit` holders in and makes the next one wait for a release', async () => {
    const limiter = new InFlightLimiter(2);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const waiting = limiter.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    expect(limiter.inFlight).toBe(2);
    limiter.release();
    await waiting;
    expect(third).toBe(true);
    expect(limiter.inFlight).toBe(2);
  });

  it('hands slots over in arrival order', async () => {
    const limiter = new InFlightLimiter(1);
    await limiter.acquire();
    const order: number[] = [];
    const first = limiter.acquire().then(() => order.push(1));
    const second = limiter.acquire().then(() => order.push(2));
    limiter.release();
    await first;
    limiter.release();
    await second;
    expect(order).toEqual([1, 2]);
  });

  it('resolves whenIdle once the last holder releases', async () => {
    const limiter = new InFlightLimiter(3);
    await expect(limiter.whenIdle()).resolves.toBeUndefined();
    await limiter.acquire();
    await limiter.acquire();
    let idle = false;
    const whenIdle = limiter.whenIdle().then(() => (idle = true));
    limiter.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    limiter.release();
    await whenIdle;
    expect(limiter.inFlight).toBe(0);
  });

  it('gives up waiting when aborted, without taking or losing a slot', async () => {
    const limiter = new InFlightLimiter(1);
    await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    const next = limiter.acquire();
    abort.abort();
    await expect(waiting).resolves.toBe(false);
    await expect(limiter.acquire(abort.signal)).resolves.toBe(false);
    limiter.release();
    await expect(next).resolves.toBe(true);
    expect(limiter.inFlight).toBe(1);
  });

  it('refuses a limit below 1', () => {
    expect(() => new InFlightLimiter(0)).toThrow('at least 1');
  });
});

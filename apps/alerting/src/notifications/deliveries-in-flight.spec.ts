import { DeliveriesInFlight } from './deliveries-in-flight';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const pending = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return !done;
};

describe('DeliveriesInFlight', () => {
  afterEach(() => jest.useRealTimers());

  it('counts deliveries as they start and end', async () => {
    const counts: number[] = [];
    const inFlight = new DeliveriesInFlight((size) => counts.push(size));
    const a = deferred();
    const b = deferred();
    inFlight.add(a.promise);
    inFlight.add(b.promise);
    a.resolve();
    b.resolve();
    await inFlight.settled(1000);
    expect(counts).toEqual([1, 2, 1, 0]);
    expect(inFlight.size).toBe(0);
  });

  it('makes room once fewer deliveries than the limit run', async () => {
    const inFlight = new DeliveriesInFlight();
    const a = deferred();
    inFlight.add(a.promise);
    inFlight.add(new Promise(() => undefined));
    const room = inFlight.roomFor(2);
    expect(await pending(room)).toBe(true);
    await inFlight.roomFor(3);
    a.resolve();
    await room;
    expect(inFlight.size).toBe(1);
  });

  it('waits for the running deliveries on stop, but not past its bound', async () => {
    jest.useFakeTimers();
    const inFlight = new DeliveriesInFlight();
    const quick = deferred();
    inFlight.add(quick.promise);
    const all = inFlight.settled(10_000);
    quick.resolve();
    await expect(all).resolves.toBe(true);

    inFlight.add(new Promise(() => undefined));
    const bounded = inFlight.settled(10_000);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(await pending(bounded)).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    await expect(bounded).resolves.toBe(false);
  });
});

import { RebuildGate } from './rebuild-gate';

/** A promise the test settles. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('RebuildGate', () => {
  it('is open before any assignment', async () => {
    await expect(new RebuildGate().passed()).resolves.toBeUndefined();
  });

  it('holds a batch until the rebuild is done, and until the work queued while it waited is done', async () => {
    const gate = new RebuildGate();
    const rebuild = deferred();
    gate.reset(rebuild.promise);
    const batch = gate.passed();
    const catchUp = deferred();
    const order: string[] = [];
    void gate.enqueue(
      () => (order.push('catch-up'), catchUp.promise),
      () => undefined,
    );
    expect(await settled(batch)).toBe(false);

    rebuild.resolve();
    expect(await settled(batch)).toBe(false);
    expect(order).toEqual(['catch-up']);
    catchUp.resolve();
    await batch;
  });

  it("reports a queued task's failure and opens all the same", async () => {
    const gate = new RebuildGate();
    const errors: string[] = [];
    await gate.enqueue(
      () => Promise.reject(new Error('offsets unavailable')),
      (error) => errors.push(error.message),
    );
    expect(errors).toEqual(['offsets unavailable']);
    await expect(gate.passed()).resolves.toBeUndefined();
  });

  it('gives a waiting batch the failure of its rebuild; queued work after it is skipped and reported', async () => {
    const gate = new RebuildGate();
    const rebuild = deferred();
    gate.reset(rebuild.promise);
    const batch = gate.passed();
    const ran: string[] = [];
    const errors: string[] = [];
    const catchUp = gate.enqueue(
      () => (ran.push('catch-up'), Promise.resolve()),
      (error) => errors.push(error.message),
    );
    rebuild.reject(new Error('batch abandoned'));
    await expect(batch).rejects.toThrow('batch abandoned');
    await catchUp;
    expect(ran).toEqual([]);
    expect(errors).toEqual(['batch abandoned']);
  });

  it('forgets what was queued for a previous assignment once a new rebuild starts', async () => {
    const gate = new RebuildGate();
    const stuck = deferred();
    void gate.enqueue(
      () => stuck.promise,
      () => undefined,
    );
    gate.reset(Promise.resolve());
    await expect(gate.passed()).resolves.toBeUndefined();
  });
});

import { BatchAbandoned, BatchContext, Dependency, DependencyRetrier } from './dependency-retrier';

/** Records the hooks' calls; sleeps return at once so backoff costs no test time. */
function harness(active: (heartbeats: number) => boolean = () => true) {
  const waiting: Array<[Dependency, boolean]> = [];
  const retries: number[] = [];
  const retrier = new DependencyRetrier(
    1000,
    {
      onRetry: (_dependency, attempt) => retries.push(attempt),
      onWaiting: (dependency, isWaiting) => waiting.push([dependency, isWaiting]),
      // The caller decides what no wait can fix; here, anything carrying a data-error code.
      isPermanent: (_dependency, error) => (error as { code?: string }).code === '22P02',
    },
    () => Promise.resolve(),
  );
  let heartbeats = 0;
  const context: BatchContext = {
    heartbeat: () => {
      heartbeats++;
      return Promise.resolve();
    },
    isActive: () => active(heartbeats),
  };
  return { retrier, context, waiting, retries, heartbeats: () => heartbeats };
}

const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('DependencyRetrier', () => {
  it('retries a failing dependency, heartbeating, until it answers, and reports one wait', async () => {
    const h = harness();
    let calls = 0;
    const result = await h.retrier.run('database', h.context, () => {
      calls++;
      return calls < 4 ? Promise.reject(connectionRefused()) : Promise.resolve('stored');
    });
    expect(result).toBe('stored');
    expect(h.retries).toEqual([1, 2, 3]);
    expect(h.heartbeats()).toBe(3);
    expect(h.waiting).toEqual([
      ['database', true],
      ['database', false],
    ]);
  });

  it('reports no wait when the first attempt succeeds', async () => {
    const h = harness();
    await h.retrier.run('kafka', h.context, () => Promise.resolve());
    expect(h.waiting).toEqual([]);
  });

  it('rethrows what the hooks call permanent at once, and closes a wait that had begun', async () => {
    const h = harness();
    let calls = 0;
    const poison = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    await expect(
      h.retrier.run('database', h.context, () =>
        Promise.reject(++calls === 1 ? connectionRefused() : poison),
      ),
    ).rejects.toBe(poison);
    expect(calls).toBe(2);
    expect(h.waiting).toEqual([
      ['database', true],
      ['database', false],
    ]);
  });

  it('abandons the batch when the consumer stops, without an unmatched "not waiting"', async () => {
    const stopped = harness(() => false);
    await expect(
      stopped.retrier.run('database', stopped.context, () => Promise.reject(connectionRefused())),
    ).rejects.toBeInstanceOf(BatchAbandoned);
    expect(stopped.waiting).toEqual([]);

    // Stops while the batch waits between two attempts (after its first heartbeat).
    const stopping = harness((heartbeats) => heartbeats === 0);
    await expect(
      stopping.retrier.run('kafka', stopping.context, () =>
        Promise.reject(new Error('broker down')),
      ),
    ).rejects.toBeInstanceOf(BatchAbandoned);
    expect(stopping.waiting).toEqual([
      ['kafka', true],
      ['kafka', false],
    ]);
  });
});

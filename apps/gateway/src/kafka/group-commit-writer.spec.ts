import { GroupCommitBounds, GroupCommitWriter, WriterBusyError } from './group-commit-writer';

/** A write of `messages` messages of 10 bytes each, named so a test can see where it went. */
interface TestWrite {
  name: string;
  messages: number;
}

/** A send function whose batches the test completes or fails one by one. */
class FakeSend {
  readonly batches: string[][] = [];
  private readonly answers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  readonly send = (writes: TestWrite[]): Promise<void> => {
    this.batches.push(writes.map((w) => w.name));
    return new Promise((resolve, reject) => this.answers.push({ resolve, reject }));
  };

  /** Acknowledges the oldest unanswered batch. */
  ack(): void {
    this.answers.shift()!.resolve();
  }

  fail(error: Error): void {
    this.answers.shift()!.reject(error);
  }

  get unanswered(): number {
    return this.answers.length;
  }
}

const BOUNDS: GroupCommitBounds = {
  lingerMs: 5,
  maxBatchMessages: 10,
  maxBatchBytes: 1000,
  maxQueuedBytes: 300,
};

const sizeOf = (w: TestWrite) => ({ messages: w.messages, bytes: w.messages * 10 });

/** What each write's promise came to, once settled: 'ok' or the error's message (into `seen`). */
function outcomes(
  writes: Record<string, Promise<void>>,
  seen: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  for (const [name, promise] of Object.entries(writes)) {
    seen[name] = undefined;
    promise.then(
      () => (seen[name] = 'ok'),
      (error: Error) => (seen[name] = error.message),
    );
  }
  return seen;
}

describe('GroupCommitWriter', () => {
  let fake: FakeSend;
  const writer = (bounds: Partial<GroupCommitBounds> = {}) =>
    new GroupCommitWriter(fake.send, sizeOf, { ...BOUNDS, ...bounds });
  const write = (w: GroupCommitWriter<TestWrite>, name: string, messages = 1) =>
    w.write({ name, messages });

  beforeEach(() => {
    jest.useFakeTimers();
    fake = new FakeSend();
  });
  afterEach(() => jest.useRealTimers());

  it('holds a lone write for lingerMs so that others can join it, then sends them as one batch', async () => {
    const w = writer();
    const seen = outcomes({ a: write(w, 'a') });
    await jest.advanceTimersByTimeAsync(3);
    const b = write(w, 'b');
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.batches).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(fake.batches).toEqual([['a', 'b']]);
    expect(seen.a).toBeUndefined();

    fake.ack();
    await b;
    expect(seen.a).toBe('ok');
  });

  it('holds no write after a batch of one: a writer alone gains nothing by waiting, until others show up', async () => {
    const w = writer();
    void write(w, 'a');
    await jest.advanceTimersByTimeAsync(5);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    // The last batch was 'a' alone: 'b' goes at once.
    void write(w, 'b');
    expect(fake.batches).toEqual([['a'], ['b']]);
    // Others arrive while it is in flight and go together: the writer is no longer alone, so
    // the next write after that batch lingers again.
    void write(w, 'c');
    void write(w, 'd');
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.batches).toEqual([['a'], ['b'], ['c', 'd']]);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    void write(w, 'e');
    await jest.advanceTimersByTimeAsync(4);
    expect(fake.batches).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.batches).toEqual([['a'], ['b'], ['c', 'd'], ['e']]);
  });

  it('stops lingering once as many writes wait as the last batch held: its callers are back', async () => {
    const w = writer();
    const seen = outcomes({ a: write(w, 'a'), b: write(w, 'b'), c: write(w, 'c') });
    await jest.advanceTimersByTimeAsync(5);
    expect(fake.batches).toEqual([['a', 'b', 'c']]);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(seen).toEqual({ a: 'ok', b: 'ok', c: 'ok' });

    // Two of the three are back: they wait for the third...
    void write(w, 'd');
    void write(w, 'e');
    await jest.advanceTimersByTimeAsync(4);
    expect(fake.batches).toHaveLength(1);
    // ...which sends the batch at once, a millisecond before the linger would have.
    void write(w, 'f');
    expect(fake.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);

    // Fewer come back than before: the linger still bounds their wait, and the smaller batch
    // is what the next one waits for.
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    void write(w, 'g');
    void write(w, 'h');
    await jest.advanceTimersByTimeAsync(4);
    expect(fake.batches).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.batches[2]).toEqual(['g', 'h']);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    void write(w, 'i');
    void write(w, 'j');
    expect(fake.batches[3]).toEqual(['i', 'j']);
  });

  it('sends one batch at a time: writes arriving meanwhile wait and go together as the next batch', async () => {
    const w = writer();
    const seen = outcomes({ a: write(w, 'a') });
    await jest.advanceTimersByTimeAsync(5);
    outcomes({ b: write(w, 'b'), c: write(w, 'c'), d: write(w, 'd') }, seen);
    await jest.advanceTimersByTimeAsync(100);
    expect(fake.batches).toEqual([['a']]);

    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    // They have waited already: the next batch goes as soon as the first is done, no linger.
    expect(fake.batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(seen).toEqual({ a: 'ok', b: undefined, c: undefined, d: undefined });

    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(seen).toEqual({ a: 'ok', b: 'ok', c: 'ok', d: 'ok' });
  });

  it('closes a batch at maxBatchMessages without splitting a write, and sends a full batch without lingering', async () => {
    const w = writer({ lingerMs: 1000 });
    void write(w, 'a', 4);
    void write(w, 'b', 4);
    expect(fake.batches).toEqual([]);
    void write(w, 'c', 4); // 12 messages would be over 10: 'c' waits for the next batch
    void write(w, 'd', 2);
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.batches).toEqual([['a', 'b']]);

    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('closes a batch at maxBatchBytes, and sends a write over the bounds alone, whole', async () => {
    const w = writer({ maxBatchMessages: 1000, maxBatchBytes: 100, maxQueuedBytes: 10_000 });
    void write(w, 'a', 6);
    void write(w, 'b', 6); // 120 bytes would be over 100
    void write(w, 'huge', 30);
    void write(w, 'e', 1);
    await jest.advanceTimersByTimeAsync(5);
    expect(fake.batches).toEqual([['a']]);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.batches).toEqual([['a'], ['b'], ['huge'], ['e']]);
  });

  it("fails exactly the failed batch's writes with its error; the next batch is sent and succeeds", async () => {
    const w = writer();
    const seen = outcomes({ a: write(w, 'a'), b: write(w, 'b') });
    await jest.advanceTimersByTimeAsync(5);
    outcomes({ c: write(w, 'c') }, seen);

    fake.fail(new Error('broker went away'));
    await jest.advanceTimersByTimeAsync(0);
    expect(seen).toEqual({ a: 'broker went away', b: 'broker went away', c: undefined });
    expect(fake.batches).toEqual([['a', 'b'], ['c']]);

    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(seen.c).toBe('ok');
  });

  it('fails the batch when the send function throws instead of rejecting', async () => {
    const w = new GroupCommitWriter<TestWrite>(
      () => {
        throw new Error('not connected');
      },
      sizeOf,
      BOUNDS,
    );
    const seen = outcomes({ a: write(w, 'a') });
    await jest.advanceTimersByTimeAsync(5);
    expect(seen.a).toBe('not connected');
  });

  it('refuses a write at once when maxQueuedBytes already wait, and takes writes again once they went', async () => {
    const w = writer({ maxQueuedBytes: 100 });
    void write(w, 'inflight', 1);
    await jest.advanceTimersByTimeAsync(5);
    void write(w, 'a', 5);
    void write(w, 'b', 5); // 100 bytes wait: the bound, not over it
    await expect(write(w, 'c', 1)).rejects.toThrow(WriterBusyError);
    await expect(write(w, 'c', 1)).rejects.toThrow(
      '100 bytes already wait to be written (at most 100)',
    );

    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.batches).toEqual([['inflight'], ['a', 'b']]);
    const later = write(w, 'c', 1);
    fake.ack();
    await jest.advanceTimersByTimeAsync(5);
    fake.ack();
    await expect(later).resolves.toBeUndefined();
  });

  it('takes a write larger than maxQueuedBytes when nothing waits, so a big request is never refused as busy', async () => {
    const w = writer({ maxQueuedBytes: 100, maxBatchBytes: 10_000, maxBatchMessages: 1000 });
    const big = write(w, 'big', 50);
    await jest.advanceTimersByTimeAsync(5);
    expect(fake.batches).toEqual([['big']]);
    fake.ack();
    await expect(big).resolves.toBeUndefined();
  });

  it('idle() resolves only when nothing waits and nothing is in flight', async () => {
    const w = writer();
    let idle = false;
    await w.idle();
    void write(w, 'a');
    void w.idle().then(() => (idle = true));
    await jest.advanceTimersByTimeAsync(5);
    expect(idle).toBe(false);
    void write(w, 'b');
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(idle).toBe(false);
    expect(fake.unanswered).toBe(1);
    fake.ack();
    await jest.advanceTimersByTimeAsync(0);
    expect(idle).toBe(true);
  });
});

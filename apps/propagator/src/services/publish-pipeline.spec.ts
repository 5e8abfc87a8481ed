import { systemClock } from '../generation/clock';
import { OutgoingEvent } from '../publishing/outgoing-event';
import { PublishObserver } from './publish-observer';
import { BatchSender, PublishPipeline } from './publish-pipeline';

class RecordingObserver implements PublishObserver {
  readonly byType = new Map<string, number>();
  errors = 0;
  inFlight = 0;
  maxInFlight = 0;
  durations = 0;
  published(type: string, count: number) {
    this.byType.set(type, (this.byType.get(type) ?? 0) + count);
  }
  sendFailed() {
    this.errors++;
  }
  inFlightChanged(delta: number) {
    this.inFlight += delta;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }
  sendCompleted() {
    this.durations++;
  }
}

/** A sender whose sends complete only when the test says so. */
class ControlledSender implements BatchSender {
  readonly sent: OutgoingEvent[][] = [];
  private readonly pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  send(events: OutgoingEvent[]): Promise<void> {
    this.sent.push(events);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  succeedNext() {
    this.pending.shift()!.resolve();
  }
  failNext(message = 'broker unreachable') {
    this.pending.shift()!.reject(new Error(message));
  }
  get waiting() {
    return this.pending.length;
  }
}

const event = (type: string, key = 'client-1'): OutgoingEvent => ({ type, key, value: '{}' });
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('PublishPipeline', () => {
  it('holds a generator back while maxInFlight sends are outstanding', async () => {
    const sender = new ControlledSender();
    const observer = new RecordingObserver();
    const pipeline = new PublishPipeline(
      sender,
      observer,
      { maxInFlight: 2, retryUntilDelivered: false },
      systemClock,
    );
    await pipeline.submit([event('a')]);
    await pipeline.submit([event('a')]);
    let built = false;
    let third = false;
    const submitting = pipeline
      .submit(() => {
        built = true;
        return [event('b'), event('b')];
      })
      .then(() => (third = true));
    await flushMicrotasks();
    // Neither sent nor even built: no finished batch waits in memory.
    expect({ third, built, sends: sender.sent.length }).toEqual({
      third: false,
      built: false,
      sends: 2,
    });
    expect(observer.inFlight).toBe(2);

    sender.succeedNext();
    await submitting;
    expect(built).toBe(true);
    expect(sender.sent).toHaveLength(3);
    sender.succeedNext();
    sender.succeedNext();
    await expect(pipeline.flush()).resolves.toBe(true);
    expect(observer.maxInFlight).toBe(2);
    expect(observer.inFlight).toBe(0);
    expect(observer.byType).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
      ]),
    );
    expect(pipeline.totals).toEqual({ published: 4, failedSends: 0, dropped: 0, pending: 0 });
  });

  it('logs, counts and drops a failed batch outside count mode', async () => {
    const sender = new ControlledSender();
    const observer = new RecordingObserver();
    const pipeline = new PublishPipeline(
      sender,
      observer,
      { maxInFlight: 4, retryUntilDelivered: false },
      systemClock,
    );
    await pipeline.submit([event('a'), event('a')]);
    sender.failNext();
    await pipeline.flush();
    expect(observer.errors).toBe(1);
    expect(sender.sent).toHaveLength(1);
    expect(pipeline.totals).toEqual({ published: 0, failedSends: 1, dropped: 2, pending: 0 });
  });

  describe('in count mode', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a failed batch with backoff until it is delivered', async () => {
      const sender = new ControlledSender();
      const observer = new RecordingObserver();
      const pipeline = new PublishPipeline(
        sender,
        observer,
        { maxInFlight: 1, retryUntilDelivered: true },
        systemClock,
      );
      await pipeline.submit([event('a'), event('b'), event('c')]);
      sender.failNext();
      await jest.advanceTimersByTimeAsync(999); // first retry after 500..1000 ms
      await jest.advanceTimersByTimeAsync(1);
      expect(sender.sent).toHaveLength(2);
      sender.failNext();
      await jest.advanceTimersByTimeAsync(2000);
      expect(sender.sent).toHaveLength(3);
      expect(sender.sent[2]).toBe(sender.sent[0]); // the same events, ids and all
      sender.succeedNext();
      await expect(pipeline.flush()).resolves.toBe(true);
      expect(pipeline.totals).toEqual({ published: 3, failedSends: 2, dropped: 0, pending: 0 });
      expect(observer.errors).toBe(2);
    });

    it('stops retrying at the flush deadline and reports what is left', async () => {
      const sender = new ControlledSender();
      const pipeline = new PublishPipeline(
        sender,
        new RecordingObserver(),
        { maxInFlight: 2, retryUntilDelivered: true },
        systemClock,
      );
      await pipeline.submit([event('a')]);
      await pipeline.submit([event('b')]);
      sender.failNext(); // a fails and is retried; then both hang (the broker is gone)
      const flushed = pipeline.flush(5000);
      await jest.advanceTimersByTimeAsync(5000);
      await expect(flushed).resolves.toBe(false);
      expect(sender.sent.map((batch) => batch[0].type)).toEqual(['a', 'b', 'a']);
      expect(pipeline.totals).toEqual({ published: 0, failedSends: 1, dropped: 0, pending: 2 });

      sender.failNext(); // b fails after the deadline: dropped, not retried
      sender.succeedNext(); // the retry of a gets through after all
      await jest.advanceTimersByTimeAsync(60_000);
      expect(sender.sent).toHaveLength(3);
      expect(pipeline.totals).toEqual({ published: 1, failedSends: 2, dropped: 1, pending: 0 });
    });
  });

  it('lets a stopping generator give up waiting for a slot', async () => {
    const sender = new ControlledSender();
    const pipeline = new PublishPipeline(
      sender,
      new RecordingObserver(),
      { maxInFlight: 1, retryUntilDelivered: false },
      systemClock,
    );
    await expect(pipeline.submit([event('a')])).resolves.toBe(true);
    const stop = new AbortController();
    const blocked = pipeline.submit(() => [event('b')], stop.signal);
    stop.abort();
    await expect(blocked).resolves.toBe(false);
    sender.succeedNext();
    await pipeline.flush();
    expect(sender.sent).toHaveLength(1);
    expect(pipeline.totals.published).toBe(1);
  });

  it('ignores an empty batch', async () => {
    const sender = new ControlledSender();
    const pipeline = new PublishPipeline(
      sender,
      new RecordingObserver(),
      { maxInFlight: 1, retryUntilDelivered: false },
      systemClock,
    );
    await pipeline.submit([]);
    await pipeline.submit(() => []);
    expect(sender.sent).toHaveLength(0);
    await expect(pipeline.flush(10)).resolves.toBe(true);
  });
});

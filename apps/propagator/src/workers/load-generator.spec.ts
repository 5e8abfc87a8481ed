import { systemClock } from '../generation/clock';
import { seededRandom } from '../generation/random';
import { OutgoingEvent } from '../publishing/outgoing-event';
import { PublishObserver } from '../services/publish-observer';
import { PublishPipeline } from '../services/publish-pipeline';
import { TemplateCatalog } from '../templates/template-catalog';
import { compileTemplates } from '../templates/template-file';
import { LoadGenerator } from './load-generator';

const ignore: PublishObserver = {
  published: () => undefined,
  sendFailed: () => undefined,
  inFlightChanged: () => undefined,
  sendCompleted: () => undefined,
};

function setup(share: { sources: string[]; rate: number; count?: number; batchSize: number }) {
  const batches: { at: number; events: OutgoingEvent[] }[] = [];
  const sender = {
    send: (events: OutgoingEvent[]) => {
      batches.push({ at: Date.now(), events });
      return Promise.resolve();
    },
  };
  const pipeline = new PublishPipeline(
    sender,
    ignore,
    { maxInFlight: 2, retryUntilDelivered: true },
    systemClock,
  );
  const { templates } = compileTemplates([
    { type: 'order.created', severity: 'low', weight: 3 },
    { type: 'login.failure', severity: 'medium', weight: 1 },
  ]);
  const generator = new LoadGenerator(
    pipeline,
    new TemplateCatalog(templates),
    { count: undefined, ...share },
    systemClock,
    seededRandom(1),
  );
  return { generator, pipeline, batches };
}

describe('LoadGenerator', () => {
  it('publishes exactly the count as fast as possible, sources taking turns', async () => {
    const { generator, pipeline, batches } = setup({
      sources: ['a', 'b', 'c'],
      rate: 0,
      count: 2500,
      batchSize: 1000,
    });
    await expect(generator.run(new AbortController().signal)).resolves.toBe(2500);
    await pipeline.flush();
    expect(batches.map((b) => b.events.length)).toEqual([1000, 1000, 500]);
    const events = batches.flatMap((b) => b.events);
    expect(events.slice(0, 4).map((e) => e.key)).toEqual(['a', 'b', 'c', 'a']);
    const perSource = new Map<string, number>();
    for (const e of events) perSource.set(e.key, (perSource.get(e.key) ?? 0) + 1);
    expect([...perSource.values()]).toEqual([834, 833, 833]);
    const orders = events.filter((e) => e.type === 'order.created').length;
    expect(orders / events.length).toBeCloseTo(0.75, 1);
    expect(new Set(events.map((e) => (JSON.parse(e.value) as { id: string }).id)).size).toBe(2500);
  });

  describe('at a rate', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it('spreads the count over count / rate seconds', async () => {
      const { generator, batches } = setup({
        sources: ['a'],
        rate: 2000,
        count: 10_000,
        batchSize: 500,
      });
      const run = generator.run(new AbortController().signal);
      await jest.advanceTimersByTimeAsync(4_000);
      const sentBy4s = batches.reduce((n, b) => n + b.events.length, 0);
      expect(sentBy4s).toBeGreaterThanOrEqual(7_500);
      expect(sentBy4s).toBeLessThanOrEqual(8_000);
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(run).resolves.toBe(10_000);
      expect(batches[batches.length - 1].at).toBe(5_000);
    });

    it('stops when aborted', async () => {
      const { generator, batches } = setup({ sources: ['a'], rate: 100, batchSize: 10 });
      const abort = new AbortController();
      const run = generator.run(abort.signal);
      await jest.advanceTimersByTimeAsync(1_000);
      abort.abort();
      await expect(run).resolves.toBe(100);
      expect(batches.reduce((n, b) => n + b.events.length, 0)).toBe(100);
    });
  });
});

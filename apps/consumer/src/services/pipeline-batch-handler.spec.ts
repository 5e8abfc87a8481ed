import { Logger } from '@nestjs/common';
import { DeadLetterHeader, DeadLetterRecord } from '@app/contracts';
import { fakeBatch, fakeBatchControls } from '@app/kafka/testing/fake-batch';
import { fakeMessage } from '@app/kafka/testing/fake-kafka';
import { BatchAbandoned, DependencyRetrier } from '@app/resilience';
import { BatchPersister } from './batch-persister';
import { DeadLetterSink, PipelineBatchHandler } from './pipeline-batch-handler';
import { classifyDatabaseError, FailureKind } from './retry-policy';
import { TextPipeline } from './testing/text-pipeline';

/** Records what it is given; the first `unavailableFor` publishes fail as if the broker were away. */
class RecordingSink implements DeadLetterSink {
  readonly published: Array<{ topic: string; records: readonly DeadLetterRecord[] }> = [];
  unavailableFor = 0;

  publish(topic: string, records: readonly DeadLetterRecord[]): Promise<void> {
    if (this.unavailableFor > 0) {
      this.unavailableFor--;
      return Promise.reject(new Error('broker not available'));
    }
    this.published.push({ topic, records });
    return Promise.resolve();
  }
}

/** The consumer's retry rules, with backoff sleeps that cost no time. */
const retrier = () =>
  new DependencyRetrier(
    1000,
    {
      onRetry: () => undefined,
      onWaiting: () => undefined,
      isPermanent: (dependency, error) =>
        dependency === 'database' && classifyDatabaseError(error) === FailureKind.PoisonData,
    },
    () => Promise.resolve(),
  );

const stages = (records: readonly DeadLetterRecord[]) =>
  records.map((r) => [r.value?.toString(), r.headers[DeadLetterHeader.Stage]]);

describe('PipelineBatchHandler', () => {
  let pipeline: TextPipeline;
  let sink: RecordingSink;
  let handler: PipelineBatchHandler<string>;

  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    pipeline = new TextPipeline();
    sink = new RecordingSink();
    handler = new PipelineBatchHandler(pipeline, new BatchPersister(), sink, {
      name: 'TestConsumer',
      deadLetterTopic: 'events.dlq',
      service: 'consumer/test',
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const batch = (...values: string[]) =>
    fakeBatch(
      'events',
      4,
      values.map((value, i) => fakeMessage(String(100 + i), value)),
    );

  it('stores the valid rows, dead-letters the others, and counts the batch only once it is committed', async () => {
    const afterBatch = await handler.handleBatch(
      batch('a', 'bad', 'throw', 'b'),
      fakeBatchControls(),
    );
    expect(pipeline.statements).toEqual([['a', 'b']]);
    expect(sink.published).toHaveLength(1);
    expect(sink.published[0].topic).toBe('events.dlq');
    expect(stages(sink.published[0].records)).toEqual([
      ['bad', 'validation'],
      ['throw', 'decode'],
    ]);
    expect(sink.published[0].records[0].headers[DeadLetterHeader.Service]).toBe('consumer/test');
    expect(pipeline.outcomes).toEqual([]);

    afterBatch();
    expect(pipeline.outcomes).toEqual([
      expect.objectContaining({
        messages: 4,
        changed: 2,
        rejected: 1,
        undecodable: 1,
        poisoned: 0,
        conflicts: 0,
      }),
    ]);
    expect(pipeline.outcomes[0].accepted.map((m) => m.row)).toEqual(['a', 'b']);
  });

  it('dead-letters rows the database refuses (persistence) and rows stored with other content (conflict)', async () => {
    const afterBatch = await handler.handleBatch(
      batch('a', 'poison-1', 'conflict-1'),
      fakeBatchControls(retrier()),
    );
    expect(pipeline.stored).toEqual(['a']);
    expect(stages(sink.published[0].records)).toEqual([
      ['poison-1', 'persistence'],
      ['conflict-1', 'conflict'],
    ]);
    afterBatch();
    expect(pipeline.outcomes[0]).toEqual(
      expect.objectContaining({ changed: 1, poisoned: 1, conflicts: 1 }),
    );
  });

  it('holds the batch through database and broker outages, heartbeating, then finishes it once', async () => {
    pipeline.unavailableFor = 2;
    sink.unavailableFor = 3;
    const controls = fakeBatchControls(retrier());
    await handler.handleBatch(batch('a', 'bad'), controls);
    expect(pipeline.statements).toEqual([['a'], ['a'], ['a']]);
    expect(pipeline.stored).toEqual(['a']);
    expect(sink.published).toHaveLength(1);
    expect(controls.heartbeats).toBe(5);
  });

  it('gives the batch up, dead-lettering nothing, once the batch is no longer active', async () => {
    pipeline.unavailableFor = 100;
    const controls = fakeBatchControls(retrier());
    controls.deactivate();
    await expect(handler.handleBatch(batch('a', 'bad'), controls)).rejects.toBeInstanceOf(
      BatchAbandoned,
    );
    expect(sink.published).toEqual([]);
    expect(pipeline.outcomes).toEqual([]);
  });
});

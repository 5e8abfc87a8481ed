import { Logger } from '@nestjs/common';
import { DeadLetterSource } from '@app/contracts';
import { BatchAbandoned } from '@app/resilience';
import { AcceptedMessage } from '../pipelines/batch-pipeline';
import { BatchPersister, Retry } from './batch-persister';
import { TextPipeline } from './testing/text-pipeline';

const accepted = (rows: string[]): AcceptedMessage<string>[] =>
  rows.map((row, offset) => ({
    row,
    original: {
      topic: 'events',
      partition: 0,
      offset: String(offset),
      timestamp: '0',
      key: null,
      value: Buffer.from(row),
    } satisfies DeadLetterSource,
  }));

/** Runs each call once, as the consumer's retrier does with poison data (rethrown at once). */
const once: Retry = (_dependency, operation) => operation();

describe('BatchPersister', () => {
  const persister = new BatchPersister();
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('stores a batch in one statement and says how many rows it changed', async () => {
    const pipeline = new TextPipeline();
    pipeline.stored.push('b');
    const outcome = await persister.persist(pipeline, accepted(['a', 'b', 'c']), once);
    expect(pipeline.statements).toEqual([['a', 'b', 'c']]);
    expect(outcome).toEqual({ changed: 2, poisoned: [], conflicts: [] });
  });

  it('splits a batch the database refuses until the refused rows are isolated, and stores the rest', async () => {
    const pipeline = new TextPipeline();
    const messages = accepted(['a', 'b', 'poison-1', 'c', 'd']);
    const outcome = await persister.persist(pipeline, messages, once);
    expect(pipeline.stored.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(outcome.changed).toBe(4);
    expect(outcome.poisoned).toEqual([
      {
        message: messages[2],
        reason: 'database refused the text: invalid input syntax: "poison-1"',
      },
    ]);
    // Halves: [a b poison] [c d] -> [a b] [poison]: one refused statement per level.
    expect(pipeline.statements).toEqual([
      ['a', 'b', 'poison-1', 'c', 'd'],
      ['a', 'b', 'poison-1'],
      ['a', 'b'],
      ['poison-1'],
      ['c', 'd'],
    ]);
  });

  it('asks which skipped rows conflict only when fewer rows changed than it gave', async () => {
    const pipeline = new TextPipeline();
    const findConflicts = jest.spyOn(pipeline, 'findConflicts');
    await persister.persist(pipeline, accepted(['a']), once);
    expect(findConflicts).not.toHaveBeenCalled();

    const messages = accepted(['b', 'conflict-1', 'a']);
    const outcome = await persister.persist(pipeline, messages, once);
    expect(outcome).toEqual({
      changed: 1,
      poisoned: [],
      conflicts: [{ message: messages[1], reason: 'conflict-1 stored with other content' }],
    });
  });

  it('splits nothing when the database is away: the retry decides, here giving the batch up', async () => {
    const pipeline = new TextPipeline();
    pipeline.unavailableFor = 1;
    const abandon: Retry = async (dependency, operation) => {
      await operation().catch(() => undefined);
      throw new BatchAbandoned(dependency);
    };
    await expect(persister.persist(pipeline, accepted(['a', 'b']), abandon)).rejects.toBeInstanceOf(
      BatchAbandoned,
    );
    expect(pipeline.statements).toEqual([['a', 'b']]);
    expect(pipeline.stored).toEqual([]);
  });
});

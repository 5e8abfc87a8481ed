import { Logger } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { Dependency, DependencyRetrier } from '@app/resilience';
import { groupMembershipLost } from '../group-membership';
import { WatchedConsumer } from '../consumer-stall-monitor';
import { FakeKafka, fakeMessages } from '../testing/fake-kafka';
import { CommitPolicy } from './commit-policy';
import { OffsetTracker } from './offset-tracker';
import { BatchControls, PartitionBatch, PartitionBatchHandler } from './partition-batch';
import { PartitionBatchConsumer, PartitionBatchConsumerOptions } from './partition-batch-consumer';

const TOPIC = 'events';

/** A handler whose every call the test sees; `work` decides what handling a batch does. */
class RecordingHandler implements PartitionBatchHandler {
  readonly batches: PartitionBatch[] = [];
  readonly assignments: number[][] = [];
  readonly steps: string[] = [];
  work: (batch: PartitionBatch, controls: BatchControls) => Promise<void> = () => Promise.resolve();
  drainWork: () => Promise<void> = () => Promise.resolve();

  async handleBatch(batch: PartitionBatch, controls: BatchControls) {
    this.batches.push(batch);
    await this.work(batch, controls);
    this.steps.push(`handled ${batch.lastOffset}`);
    return () => this.steps.push(`after ${batch.lastOffset}`);
  }

  onAssigned(partitions: number[]): void {
    this.assignments.push(partitions);
  }

  drain(): Promise<void> {
    this.steps.push('drain');
    return this.drainWork();
  }
}

const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const rebalancing = () =>
  Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
const nextTicks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(options: Partial<PartitionBatchConsumerOptions> = {}) {
  const kafka = new FakeKafka();
  const handler = new RecordingHandler();
  const watched: WatchedConsumer[] = [];
  const waiting: Array<[Dependency, boolean]> = [];
  const exits: number[] = [];
  const warnings: string[] = [];
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'fatal').mockImplementation(() => undefined);
  jest
    .spyOn(Logger.prototype, 'warn')
    .mockImplementation((message: string) => void warnings.push(message));
  // Backoff sleeps last one turn of the event loop: an outage costs no test time.
  const retrier = new DependencyRetrier(
    1000,
    {
      onRetry: () => undefined,
      onWaiting: (dependency, isWaiting) => waiting.push([dependency, isWaiting]),
      isPermanent: (_dependency, error) => groupMembershipLost(error) !== undefined,
    },
    () => new Promise((resolve) => setImmediate(resolve)),
  );
  const consumer = new PartitionBatchConsumer(kafka.asKafka(), {
    name: 'TestConsumer',
    groupId: 'test-group',
    handlers: new Map([[TOPIC, handler]]),
    fromBeginning: true,
    fetch: { sessionTimeoutMs: 6000, maxWaitTimeInMs: 250, partitionsConsumedConcurrently: 3 },
    commit: { kind: 'after-each-batch' },
    retrier,
    onCrash: 'exit',
    stallMonitor: { watch: (w) => void watched.push(w) },
    exitProcess: () => void exits.push(1),
    ...options,
  });
  return { kafka, handler, consumer, watched, waiting, exits, warnings };
}

const deliver = (kafka: FakeKafka, partition: number, messages: KafkaMessage[]) =>
  kafka.latest.deliver(TOPIC, partition, messages);

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('PartitionBatchConsumer', () => {
  it('joins its group with manual commits, the shared heartbeat interval and its fetch settings', async () => {
    const { kafka, consumer, watched } = setup();
    await consumer.start();
    const fake = kafka.latest;
    expect(fake.config).toEqual(
      expect.objectContaining({
        groupId: 'test-group',
        allowAutoTopicCreation: false,
        sessionTimeout: 6000,
        heartbeatInterval: 2000,
        maxWaitTimeInMs: 250,
      }),
    );
    expect(fake.subscription).toEqual({ topics: [TOPIC], fromBeginning: true });
    expect(fake.runConfig).toEqual(
      expect.objectContaining({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 3,
      }),
    );
    expect(watched).toEqual([
      expect.objectContaining({ name: 'TestConsumer', groupId: 'test-group', topics: [TOPIC] }),
    ]);
  });

  describe('after each batch', () => {
    it("commits the next offset only once the handler's work is done, then runs its after-batch step", async () => {
      const { kafka, handler, consumer } = setup();
      let finishWork!: () => void;
      handler.work = () => new Promise((resolve) => (finishWork = resolve));
      await consumer.start();
      const run = deliver(kafka, 2, fakeMessages(10, 3));
      await nextTicks();
      expect(kafka.latest.commits).toEqual([]);
      expect(run.delivered.resolved).toEqual([]);

      finishWork();
      const delivered = await run;
      expect(kafka.latest.commits).toEqual([[{ topic: TOPIC, partition: 2, offset: '13' }]]);
      expect(delivered.resolved).toEqual(['12']);
      expect(handler.steps).toEqual(['handled 12', 'after 12']);
      expect(handler.batches[0]).toEqual(
        expect.objectContaining({
          topic: TOPIC,
          partition: 2,
          firstOffset: '10',
          lastOffset: '12',
        }),
      );
    });

    it('leaves a batch uncommitted when its handler fails, for kafkajs to read it again', async () => {
      const { kafka, handler, consumer } = setup();
      handler.work = () => Promise.reject(new Error('statement failed'));
      await consumer.start();
      const run = deliver(kafka, 0, fakeMessages(0, 2));
      await expect(run).rejects.toThrow('statement failed');
      expect(kafka.latest.commits).toEqual([]);
      expect(run.delivered.resolved).toEqual([]);
      expect(handler.steps).toEqual([]);
    });

    it("hands kafkajs the broker's own error when the group moved on, so that it rejoins", async () => {
      const { kafka, consumer } = setup();
      await consumer.start();
      const lost = rebalancing();
      kafka.latest.commitFailures = [new Error('commit failed', { cause: lost })];
      await expect(deliver(kafka, 0, fakeMessages(0, 1))).rejects.toBe(lost);
      expect(kafka.latest.commits).toEqual([]);
    });

    it('never hands an empty batch to its handler', async () => {
      const { kafka, handler, consumer } = setup();
      await consumer.start();
      await deliver(kafka, 0, []);
      expect(handler.batches).toEqual([]);
      expect(kafka.latest.commits).toEqual([]);
    });
  });

  describe('on a dependency outage', () => {
    it('holds the batch, heartbeating, and commits once the dependency answers again', async () => {
      const { kafka, handler, consumer, waiting } = setup();
      let available = false;
      handler.work = (_batch, controls) =>
        controls.retry('database', () =>
          available ? Promise.resolve() : Promise.reject(connectionRefused()),
        );
      await consumer.start();
      const run = deliver(kafka, 1, fakeMessages(0, 4));
      await nextTicks(20);
      expect(kafka.latest.commits).toEqual([]);
      expect(run.delivered.heartbeats).toBeGreaterThan(2);
      expect(waiting).toEqual([['database', true]]);

      available = true;
      await run;
      expect(kafka.latest.commits).toEqual([[{ topic: TOPIC, partition: 1, offset: '4' }]]);
      expect(waiting).toEqual([
        ['database', true],
        ['database', false],
      ]);
    });

    it('retries a commit the broker refuses while it is away, and commits once', async () => {
      const { kafka, consumer, waiting } = setup();
      await consumer.start();
      kafka.latest.commitFailures = [new Error('broker down'), new Error('broker down')];
      await deliver(kafka, 0, fakeMessages(7, 1));
      expect(kafka.latest.commits).toEqual([[{ topic: TOPIC, partition: 0, offset: '8' }]]);
      expect(waiting).toEqual([
        ['kafka', true],
        ['kafka', false],
      ]);
    });

    it('abandons the batch, uncommitted, when the consumer stops during the outage', async () => {
      const { kafka, handler, consumer, warnings } = setup();
      handler.work = (_batch, controls) =>
        controls.retry('database', () => Promise.reject(connectionRefused()));
      await consumer.start();
      const fake = kafka.latest;
      const run = deliver(kafka, 3, fakeMessages(40, 2));
      await nextTicks();
      await consumer.stop();
      await run;
      expect(fake.commits).toEqual([]);
      expect(run.delivered.resolved).toEqual([]);
      expect(fake.disconnected).toBe(true);
      expect(warnings).toEqual([
        'batch abandoned while waiting for database: consumer stopping or partition reassigned (events partition 3, from offset 40)',
      ]);
    });

    it('abandons the batch of a consumer the stall monitor replaced', async () => {
      const { kafka, handler, consumer, watched } = setup();
      handler.work = (_batch, controls) =>
        controls.retry('database', () => Promise.reject(connectionRefused()));
      await consumer.start();
      const stalled = kafka.latest;
      const run = deliver(kafka, 0, fakeMessages(0, 1));
      await nextTicks();
      await watched[0].recover();
      await run;
      expect(kafka.consumers).toHaveLength(2);
      expect(stalled.disconnected).toBe(true);
      expect(stalled.commits).toEqual([]);
      expect(kafka.latest.subscription).toEqual({ topics: [TOPIC], fromBeginning: true });
    });
  });

  it("calls the handler's assignment hook for its topic on every join of the current consumer, not of a replaced one", async () => {
    const { kafka, handler, consumer, watched } = setup();
    await consumer.start();
    kafka.latest.join({ [TOPIC]: [0, 2], other: [1] });
    expect(handler.assignments).toEqual([[0, 2]]);

    const replaced = kafka.latest;
    await watched[0].recover();
    replaced.join({ [TOPIC]: [1] });
    expect(handler.assignments).toEqual([[0, 2]]);
    kafka.latest.join({ other: [0] });
    expect(handler.assignments).toEqual([[0, 2], []]);
  });

  it('heartbeats every second while a handler waits with heartbeatWhile', async () => {
    jest.useFakeTimers();
    const { kafka, handler, consumer } = setup();
    let release!: () => void;
    handler.work = (_batch, controls) =>
      controls.heartbeatWhile(new Promise<void>((resolve) => (release = resolve)));
    await consumer.start();
    const run = deliver(kafka, 0, fakeMessages(0, 1));
    await jest.advanceTimersByTimeAsync(3500);
    expect(run.delivered.heartbeats).toBe(3);

    release();
    await jest.advanceTimersByTimeAsync(5000);
    const delivered = await run;
    // One more once the batch is committed, none after the wait ended.
    expect(delivered.heartbeats).toBe(4);
  });

  describe('tracked commits', () => {
    const tracked = (tracker: OffsetTracker, forget: 'revoked' | 'all'): CommitPolicy => ({
      kind: 'tracked',
      tracker,
      intervalMs: 500,
      metadataOf: (partition) => `meta-${partition}`,
      forgetOnAssignment: forget,
    });

    it('commits what the tracker says is durable every interval, and once more on stop after draining', async () => {
      jest.useFakeTimers();
      const tracker = new OffsetTracker();
      const { kafka, handler, consumer } = setup({ commit: tracked(tracker, 'revoked') });
      // Work finishes after the batch is handled (deliveries in flight).
      handler.work = (batch) => {
        for (const m of batch.messages) tracker.started(batch.partition, m.offset);
        return Promise.resolve();
      };
      handler.drainWork = () => {
        tracker.finished(0, '5');
        return Promise.resolve();
      };
      await consumer.start();
      const fake = kafka.latest;
      const delivered = await deliver(kafka, 0, fakeMessages(5, 3));
      expect(delivered.resolved).toEqual(['7']);
      expect(fake.commits).toEqual([]);

      tracker.finished(0, '6');
      tracker.finished(0, '7');
      await jest.advanceTimersByTimeAsync(500);
      expect(fake.commits).toEqual([
        [{ topic: TOPIC, partition: 0, offset: '5', metadata: 'meta-0' }],
      ]);
      // Nothing new: no second commit of the same offset.
      await jest.advanceTimersByTimeAsync(500);
      expect(fake.commits).toHaveLength(1);

      await consumer.stop();
      expect(handler.steps).toEqual(['handled 7', 'after 7', 'drain']);
      expect(fake.commits[1]).toEqual([
        { topic: TOPIC, partition: 0, offset: '8', metadata: 'meta-0' },
      ]);
      expect(fake.disconnected).toBe(true);
    });

    it('forgets, on an assignment, the progress of revoked partitions, or of every partition', async () => {
      const revokedOnly = new OffsetTracker();
      const keeps = setup({ commit: tracked(revokedOnly, 'revoked') });
      await keeps.consumer.start();
      revokedOnly.completed(0, '3');
      revokedOnly.completed(1, '9');
      keeps.kafka.latest.join({ [TOPIC]: [1] });
      expect(revokedOnly.committable()).toEqual([{ partition: 1, offset: '10' }]);
      await keeps.consumer.stop();

      const everything = new OffsetTracker();
      const startsOver = setup({ commit: tracked(everything, 'all') });
      await startsOver.consumer.start();
      everything.completed(0, '3');
      everything.completed(1, '9');
      startsOver.kafka.latest.join({ [TOPIC]: [0, 1] });
      expect(everything.committable()).toEqual([]);
      await startsOver.consumer.stop();
    });

    it('leaves a batch made stale by a seek unresolved: kafkajs reads on from the sought offset', async () => {
      const { kafka, handler, consumer } = setup({
        commit: tracked(new OffsetTracker(), 'revoked'),
      });
      handler.work = () => {
        consumer.seek(TOPIC, 0, 2n);
        return Promise.resolve();
      };
      await consumer.start();
      const delivered = await deliver(kafka, 0, fakeMessages(10, 2));
      expect(kafka.latest.seeks).toEqual([{ topic: TOPIC, partition: 0, offset: '2' }]);
      expect(delivered.resolved).toEqual([]);
      await consumer.stop();
    });
  });

  describe('when kafkajs gives the consumer up', () => {
    it('exits (policy exit) for the current consumer only, never for a restart kafkajs makes itself', async () => {
      const { kafka, consumer, watched, exits } = setup();
      await consumer.start();
      kafka.latest.crash(new Error('coordinator not available'), true);
      expect(exits).toEqual([]);
      kafka.latest.crash(new Error('coordinator not available'), false);
      expect(exits).toEqual([1]);

      const replaced = kafka.latest;
      await watched[0].recover();
      replaced.crash(new Error('late'), false);
      expect(exits).toEqual([1]);
      await consumer.stop();
      kafka.latest.crash(new Error('stopping'), false);
      expect(exits).toEqual([1]);
    });

    it('starts a new consumer in-process after a backoff (policy replace)', async () => {
      jest.useFakeTimers();
      const { kafka, consumer, exits } = setup({ onCrash: 'replace' });
      await consumer.start();
      const crashed = kafka.latest;
      crashed.crash(new Error('coordinator not available'), false);
      await jest.advanceTimersByTimeAsync(1000);
      expect(kafka.consumers).toHaveLength(2);
      expect(crashed.disconnected).toBe(true);
      expect(kafka.latest.runConfig).toBeDefined();
      expect(exits).toEqual([]);
    });
  });
});

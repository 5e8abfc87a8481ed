import { Kafka } from 'kafkajs';
import { ConsumerStallMonitor, WatchedConsumer } from './consumer-stall-monitor';

/** A broker whose committed and log-end offsets the test sets (one topic, one partition). */
function fakeKafka(
  offsets: { committed: number; end: number },
  group: { state: string } = { state: 'Stable' },
): Kafka {
  const admin = {
    describeGroups: (groupIds: string[]) =>
      Promise.resolve({ groups: groupIds.map((groupId) => ({ groupId, state: group.state })) }),
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchOffsets: ({ topics }: { topics: string[] }) =>
      Promise.resolve(
        topics.map((topic) => ({
          topic,
          partitions: [{ partition: 0, offset: String(offsets.committed) }],
        })),
      ),
    fetchTopicOffsets: () => Promise.resolve([{ partition: 0, high: String(offsets.end) }]),
  };
  return { admin: () => admin } as unknown as Kafka;
}

describe('ConsumerStallMonitor', () => {
  const timeoutMs = 60_000;
  let now: number;
  let recoveries: string[];
  const watched = (name: string, extra: Partial<WatchedConsumer> = {}): WatchedConsumer => ({
    name,
    groupId: `${name}-group`,
    topics: ['events'],
    recover: () => {
      recoveries.push(name);
      return Promise.resolve();
    },
    ...extra,
  });

  beforeEach(() => {
    now = 0;
    recoveries = [];
  });

  async function lookAfter(monitor: ConsumerStallMonitor, ms: number): Promise<void> {
    now += ms;
    await monitor.poll();
  }

  it('keeps an idle group (no lag) healthy however long it waits', async () => {
    const monitor = new ConsumerStallMonitor(
      fakeKafka({ committed: 10, end: 10 }),
      timeoutMs,
      () => now,
    );
    monitor.watch(watched('Idle'));
    await lookAfter(monitor, 10 * timeoutMs);
    expect(monitor.stalls()).toEqual([]);
    expect(recoveries).toEqual([]);
    await monitor.onModuleDestroy();
  });

  it('names a group with lag whose commits do not move, and restarts it once per timeout', async () => {
    const monitor = new ConsumerStallMonitor(
      fakeKafka({ committed: 10, end: 500 }),
      timeoutMs,
      () => now,
    );
    monitor.watch(watched('Events'));
    await lookAfter(monitor, 0);
    await lookAfter(monitor, timeoutMs - 1);
    expect(monitor.stalls()).toEqual([]);
    await lookAfter(monitor, 1);
    expect(monitor.stalls()).toEqual([
      {
        consumer: 'Events',
        groupId: 'Events-group',
        topics: ['events'],
        lag: 490,
        noProgressForMs: timeoutMs,
      },
    ]);
    expect(recoveries).toEqual(['Events']);
    await lookAfter(monitor, timeoutMs / 2);
    expect(recoveries).toEqual(['Events']);
    await monitor.onModuleDestroy();
  });

  it('gives a consumer its own longer timeout (dispatch behind a delivery being retried)', async () => {
    const offsets = { committed: 10, end: 20 };
    const monitor = new ConsumerStallMonitor(fakeKafka(offsets), timeoutMs, () => now);
    monitor.watch(watched('Dispatch', { stallTimeoutMs: 5 * timeoutMs }));
    await lookAfter(monitor, 0);
    await lookAfter(monitor, 2 * timeoutMs);
    expect(monitor.stalls()).toEqual([]);
    expect(recoveries).toEqual([]);
    await lookAfter(monitor, 3 * timeoutMs);
    expect(monitor.stalls().map((s) => s.consumer)).toEqual(['Dispatch']);
    expect(recoveries).toEqual(['Dispatch']);
    await monitor.onModuleDestroy();
  });

  it('waits while Kafka rebalances the group (a broker restart holds the join up to a session timeout), for at most 60 s', async () => {
    const group = { state: 'PreparingRebalance' };
    const monitor = new ConsumerStallMonitor(
      fakeKafka({ committed: 10, end: 500 }, group),
      10_000,
      () => now,
    );
    monitor.watch(watched('Events'));
    await lookAfter(monitor, 0);
    await lookAfter(monitor, 30_000);
    expect(monitor.stalls()).toEqual([]);
    expect(recoveries).toEqual([]);
    // The rebalance completes; the consumer then has a whole timeout to commit.
    group.state = 'Stable';
    await lookAfter(monitor, 9_000);
    expect(recoveries).toEqual([]);
    await lookAfter(monitor, 1_000);
    expect(recoveries).toEqual(['Events']);
    await monitor.onModuleDestroy();
  });

  it('judges a group stuck rebalancing for over 60 s like any other stall', async () => {
    const monitor = new ConsumerStallMonitor(
      fakeKafka({ committed: 10, end: 500 }, { state: 'CompletingRebalance' }),
      10_000,
      () => now,
    );
    monitor.watch(watched('Events'));
    await lookAfter(monitor, 0);
    await lookAfter(monitor, 59_000);
    expect(recoveries).toEqual([]);
    await lookAfter(monitor, 10_000);
    expect(recoveries).toEqual(['Events']);
    await monitor.onModuleDestroy();
  });

  it('counts moving commits as progress even while lag remains', async () => {
    const offsets = { committed: 10, end: 1000 };
    const monitor = new ConsumerStallMonitor(fakeKafka(offsets), timeoutMs, () => now);
    monitor.watch(watched('Busy'));
    for (let i = 0; i < 5; i++) {
      offsets.committed += 100;
      await lookAfter(monitor, timeoutMs / 2);
    }
    expect(monitor.stalls()).toEqual([]);
    expect(recoveries).toEqual([]);
    await monitor.onModuleDestroy();
  });
});

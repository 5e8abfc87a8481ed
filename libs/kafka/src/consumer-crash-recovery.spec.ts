import { Logger } from '@nestjs/common';
import { Consumer } from 'kafkajs';
import { ConsumerCrashRecovery } from './consumer-crash-recovery';
import { ReplaceableConsumer } from './replaceable-consumer';

/** The part of a kafkajs consumer the recovery touches: its CRASH and GROUP_JOIN events. */
class FakeConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  private readonly listeners = new Map<string, Array<(event: unknown) => void>>();
  disconnected = false;

  on(event: string, listener: (event: unknown) => void): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => undefined;
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }

  crash(restart: boolean): void {
    for (const listener of this.listeners.get(this.events.CRASH) ?? [])
      listener({ payload: { error: new Error('gave up'), restart } });
  }

  join(): void {
    for (const listener of this.listeners.get(this.events.GROUP_JOIN) ?? []) listener({});
  }
}

describe('ConsumerCrashRecovery', () => {
  let consumers: FakeConsumer[];
  /** How many of the set-ups to fail, as connect() does while the broker is still away. */
  let failingSetUps: number;
  let client: ReplaceableConsumer;
  let recovery: ConsumerCrashRecovery;
  let warnings: string[];

  beforeEach(() => {
    jest.useFakeTimers();
    consumers = [];
    failingSetUps = 0;
    warnings = [];
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation((message: string) => warnings.push(message));
    client = new ReplaceableConsumer(
      () => {
        const consumer = new FakeConsumer();
        consumers.push(consumer);
        return consumer as unknown as Consumer;
      },
      (consumer, generation) => {
        recovery.watch(consumer, generation);
        if (failingSetUps > 0) {
          failingSetUps--;
          return Promise.reject(new Error('connect ECONNREFUSED'));
        }
        return Promise.resolve();
      },
      logger,
    );
    recovery = new ConsumerCrashRecovery(client, 'rules follower', logger, {
      initialMs: 100,
      maxMs: 1000,
    });
  });

  afterEach(() => jest.useRealTimers());

  it('starts a new consumer after a crash kafkajs will not restart, after a backoff, with a warning', async () => {
    await client.start();
    consumers[0].crash(false);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^rules follower: the Kafka consumer stopped and kafkajs will not restart it \(gave up\); starting a new one in \d+ ms \(attempt 1\)$/,
      ),
    ]);
    await jest.advanceTimersByTimeAsync(40);
    expect(consumers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(60);
    expect(consumers).toHaveLength(2);
    expect(consumers[0].disconnected).toBe(true);
  });

  it('leaves a crash kafkajs restarts by itself to kafkajs', async () => {
    await client.start();
    consumers[0].crash(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('does nothing once stopping, nor for a consumer already replaced', async () => {
    await client.start();
    await client.replace();
    consumers[0].crash(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(2);

    recovery.stop();
    client.markStopped();
    consumers[1].crash(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(2);
  });

  it('keeps trying, further apart, while the new consumer cannot start, and starts over once one joins', async () => {
    await client.start();
    failingSetUps = 3;
    consumers[0].crash(false);
    // Attempts 1-4 wait at most 100 + 200 + 400 + 800 ms; each failed start schedules the next.
    await jest.advanceTimersByTimeAsync(1500);
    expect(consumers).toHaveLength(5);
    expect(warnings[3]).toMatch(
      /the new Kafka consumer did not start \(connect ECONNREFUSED\); starting a new one in \d+ ms \(attempt 4\)$/,
    );
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(5);

    consumers[4].join();
    consumers[4].crash(false);
    expect(warnings[4]).toMatch(/\(attempt 1\)$/);
  });
});

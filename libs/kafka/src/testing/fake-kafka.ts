import {
  Consumer,
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';

/**
 * A small stand-in for kafkajs, for unit tests of consumers and their handlers: the test
 * plays the broker (assignments, batches, crashes) and reads back what the code under test
 * did (commits, resolved offsets, heartbeats, seeks, pauses). Only what the project's
 * consumers use is there.
 */
export class FakeKafka {
  readonly consumers: FakeConsumer[] = [];

  /** The newest consumer made (a replacement is a new one). */
  get latest(): FakeConsumer {
    const consumer = this.consumers[this.consumers.length - 1];
    if (!consumer) throw new Error('no consumer made yet');
    return consumer;
  }

  asKafka(): Kafka {
    return {
      consumer: (config: ConsumerConfig) => {
        const consumer = new FakeConsumer(config);
        this.consumers.push(consumer);
        return consumer as unknown as Consumer;
      },
    } as unknown as Kafka;
  }
}

/** Offsets `from`, `from + 1`, ... as messages whose value is their offset. */
export function fakeMessages(from: number, count: number): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => fakeMessage(String(from + i)));
}

export function fakeMessage(offset: string, value: string | null = offset): KafkaMessage {
  return {
    offset,
    key: null,
    value: value === null ? null : Buffer.from(value),
    timestamp: '1700000000000',
    attributes: 0,
    headers: {},
  };
}

/** What one delivered batch did to kafkajs' state. */
export interface DeliveredBatch {
  /** Offsets given to resolveOffset, in order. */
  resolved: string[];
  heartbeats: number;
}

type Listener = (event: { payload: unknown }) => void;

export class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  readonly commits: TopicPartitionOffsetAndMetadata[][] = [];
  readonly seeks: Array<{ topic: string; partition: number; offset: string }> = [];
  subscription?: ConsumerSubscribeTopics;
  runConfig?: ConsumerRunConfig;
  connected = false;
  running = false;
  disconnected = false;
  /** Makes the next commits fail with these errors, one per commit, before they succeed. */
  commitFailures: Error[] = [];
  /** Makes every heartbeat fail with this (e.g. a rebalance in progress). */
  heartbeatError?: Error;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly pausedPartitions = new Set<string>();
  private readonly pendingSeeks = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(readonly config: ConsumerConfig) {}

  on(event: string, listener: Listener): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => undefined;
  }

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }

  subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    this.subscription = subscription;
    return Promise.resolve();
  }

  run(config: ConsumerRunConfig): Promise<void> {
    this.runConfig = config;
    this.running = true;
    return Promise.resolve();
  }

  /** As kafkajs: stops fetching and waits for the batches in progress. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled([...this.inFlight]);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    this.disconnected = true;
  }

  commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const failure = this.commitFailures.shift();
    if (failure) return Promise.reject(failure);
    this.commits.push(offsets);
    return Promise.resolve();
  }

  seek(target: { topic: string; partition: number; offset: string }): void {
    this.seeks.push(target);
    this.pendingSeeks.add(key(target.topic, target.partition));
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions = [] } of topics)
      for (const partition of partitions) this.pausedPartitions.add(key(topic, partition));
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions = [] } of topics)
      for (const partition of partitions) this.pausedPartitions.delete(key(topic, partition));
  }

  paused(): Array<{ topic: string; partitions: number[] }> {
    const byTopic = new Map<string, number[]>();
    for (const entry of this.pausedPartitions) {
      const [topic, partition] = entry.split('|');
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(partition)]);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  // --- the broker's side, driven by the test ---

  /** The group (re)joined with this assignment (topic -> partitions). */
  join(assignment: Record<string, number[]>): void {
    this.emit(this.events.GROUP_JOIN, { memberAssignment: assignment });
  }

  crash(error: Error, restart: boolean): void {
    this.emit(this.events.CRASH, { error, restart });
  }

  /**
   * Fetches `messages` of one partition and hands them to eachBatch, as kafkajs does. A
   * pending seek of the partition is applied first (the batch is fetched from there).
   */
  deliver(topic: string, partition: number, messages: KafkaMessage[]): DeliveredBatchRun {
    if (!this.runConfig?.eachBatch) throw new Error('consumer.run was not called with eachBatch');
    this.pendingSeeks.delete(key(topic, partition));
    const delivered: DeliveredBatch = { resolved: [], heartbeats: 0 };
    const last = messages[messages.length - 1]?.offset ?? null;
    const payload = {
      batch: {
        topic,
        partition,
        highWatermark: last === null ? '0' : String(Number(last) + 1),
        messages,
        isEmpty: () => messages.length === 0,
        firstOffset: () => messages[0]?.offset ?? null,
        lastOffset: () => last ?? '-1',
        offsetLag: () => '0',
        offsetLagLow: () => '0',
      },
      resolveOffset: (offset: string) => delivered.resolved.push(offset),
      heartbeat: () => {
        delivered.heartbeats++;
        return this.heartbeatError ? Promise.reject(this.heartbeatError) : Promise.resolve();
      },
      pause: () => {
        this.pause([{ topic, partitions: [partition] }]);
        return () => this.resume([{ topic, partitions: [partition] }]);
      },
      commitOffsetsIfNecessary: () => Promise.resolve(),
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: () => this.running,
      isStale: () => this.pendingSeeks.has(key(topic, partition)),
    } as unknown as EachBatchPayload;
    const done = this.runConfig.eachBatch(payload);
    this.inFlight.add(done);
    void done.catch(() => undefined).finally(() => this.inFlight.delete(done));
    return Object.assign(
      done.then(() => delivered),
      { delivered },
    );
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener({ payload });
  }
}

/**
 * A delivered batch in progress: awaiting it gives what it did once eachBatch settles (and
 * rejects as eachBatch does); `delivered` shows it while it is still running.
 */
export type DeliveredBatchRun = Promise<DeliveredBatch> & { delivered: DeliveredBatch };

const key = (topic: string, partition: number) => `${topic}|${partition}`;

// Proves that the project's local broker (Apache Kafka 4.1.2, KRaft) starts from our own code
// and that kafkajs 2.2.4 can do everything the apps rely on against it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  logLevel,
  Partitioners,
  Producer,
} from 'kafkajs';
import { LocalKafkaBroker } from './kafka-broker';
import { freePort } from './ports';

const EVENTS = 'it.events';
const RULES = 'it.alert-rules';
const GROUP = 'it.consumer';
const PARTITIONS = 6;
const SOURCES = 12;
const PER_SOURCE = 5;
const TOTAL = SOURCES * PER_SOURCE;

interface Seen {
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function headersOf(m: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) out[k] = String(v);
  return out;
}

describe('LocalKafkaBroker (Apache Kafka 4.1.2) with kafkajs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-kafka-it-'));
  // Free ports: a fixed pair can be held by another run or by an outgoing connection.
  let broker: LocalKafkaBroker;
  let port: number;
  let controllerPort: number;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  let pid: number;

  beforeAll(async () => {
    port = await freePort();
    controllerPort = await freePort();
    broker = new LocalKafkaBroker({ port, controllerPort, dataDir });
    const t0 = Date.now();
    await broker.start();
    console.log(`broker started in ${Date.now() - t0} ms`);
    pid = broker.pid as number;
    kafka = new Kafka({
      clientId: 'it',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200 },
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a real broker process answering on the loopback listener', async () => {
    expect(broker.brokers).toBe(`127.0.0.1:${port}`);
    expect(isAlive(pid)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'broker.pid'), 'utf8').trim()).toBe(String(pid));
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('kafka.Kafka');
    const props = fs.readFileSync(path.join(dataDir, 'server.properties'), 'utf8');
    expect(props).toContain(`controller.quorum.voters=1@127.0.0.1:${controllerPort}`);
    expect(props).toContain('auto.create.topics.enable=false');

    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port }]);
    expect(cluster.controller).toBe(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('creates a 6-partition topic and a compacted topic', async () => {
    await expect(
      admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: EVENTS, numPartitions: PARTITIONS, replicationFactor: 1 },
          {
            topic: RULES,
            numPartitions: 1,
            replicationFactor: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'segment.ms', value: '100' },
              { name: 'min.cleanable.dirty.ratio', value: '0.01' },
              { name: 'delete.retention.ms', value: '86400000' },
            ],
          },
        ],
      }),
    ).resolves.toBe(true);

    const meta = await admin.fetchTopicMetadata({ topics: [EVENTS, RULES] });
    const byName = new Map(meta.topics.map((t) => [t.name, t]));
    expect(byName.get(EVENTS)?.partitions).toHaveLength(PARTITIONS);
    expect(byName.get(EVENTS)?.partitions.every((p) => p.leader === 1)).toBe(true);
    expect(byName.get(RULES)?.partitions).toHaveLength(1);

    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: RULES, configNames: ['cleanup.policy'] },
      ],
    });
    expect(configs.resources[0].configEntries[0]).toMatchObject({
      configName: 'cleanup.policy',
      configValue: 'compact',
    });
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([EVENTS, RULES]));

    // auto.create.topics.enable=false: asking for an unknown topic does not create it.
    const noRetry = new Kafka({
      clientId: 'it-no-retry',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await noRetry.connect();
    try {
      await expect(noRetry.fetchTopicMetadata({ topics: ['it.does-not-exist'] })).rejects.toThrow(
        /does not host this topic-partition/i,
      );
    } finally {
      await noRetry.disconnect();
    }
    expect(await admin.listTopics()).not.toContain('it.does-not-exist');
  });

  it('produces keyed messages with headers through an idempotent producer (acks=-1)', async () => {
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const messages = [];
    for (let s = 0; s < SOURCES; s++) {
      for (let i = 0; i < PER_SOURCE; i++) {
        messages.push({
          key: `source-${s}`,
          value: JSON.stringify({ type: 'payment.exception', source: `source-${s}`, seq: i }),
          headers: {
            'x-seq': String(i),
            'x-source': `source-${s}`,
            'content-type': 'application/json',
          },
        });
      }
    }
    // Two sends so the idempotent sequence numbers advance across requests.
    const half = messages.length / 2;
    const r1 = await producer.send({ topic: EVENTS, acks: -1, messages: messages.slice(0, half) });
    const r2 = await producer.send({ topic: EVENTS, acks: -1, messages: messages.slice(half) });
    const results = [...r1, ...r2];
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    expect(new Set(results.map((r) => r.partition)).size).toBeGreaterThan(1);

    const offsets = await admin.fetchTopicOffsets(EVENTS);
    expect(offsets).toHaveLength(PARTITIONS);
    const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    expect(total).toBe(TOTAL);
    expect(offsets.filter((o) => Number(o.high) > 0).length).toBeGreaterThan(1);
  });

  const seen: Seen[] = [];

  it('reads everything in a consumer group with eachBatch and manual commitOffsets', async () => {
    const consumer = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [EVENTS], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
      }: EachBatchPayload) => {
        for (const m of batch.messages) {
          if (!isRunning() || isStale()) return;
          seen.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            headers: headersOf(m),
          });
          resolveOffset(m.offset);
        }
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: next },
        ]);
        await heartbeat();
      },
    });
    await waitFor(() => seen.length >= TOTAL, 60_000, `${TOTAL} messages`);

    expect(seen).toHaveLength(TOTAL);
    const keys = new Set(seen.map((m) => m.key));
    expect(keys.size).toBe(SOURCES);
    for (let s = 0; s < SOURCES; s++) {
      const mine = seen.filter((m) => m.key === `source-${s}`);
      // one source = one partition, in order
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => m.headers['x-seq'])).toEqual(['0', '1', '2', '3', '4']);
      expect(mine.every((m) => m.headers['x-source'] === `source-${s}`)).toBe(true);
      expect(mine.every((m) => m.headers['content-type'] === 'application/json')).toBe(true);
      expect(mine.map((m) => (JSON.parse(m.value) as { seq: number }).seq)).toEqual([
        0, 1, 2, 3, 4,
      ]);
    }

    // The committed offsets are exactly the log-end offsets of every partition.
    const ends = new Map((await admin.fetchTopicOffsets(EVENTS)).map((o) => [o.partition, o.high]));
    const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [EVENTS] });
    expect(committed.topic).toBe(EVENTS);
    expect(committed.partitions).toHaveLength(PARTITIONS);
    for (const p of committed.partitions) {
      expect(p.offset).toBe(ends.get(p.partition) === '0' ? '-1' : ends.get(p.partition));
    }
  });

  it('hands partitions to a second consumer of the same group and resumes from the commits', async () => {
    const first = consumers[0];
    const assignedToFirst: number[][] = [];
    first.on(first.events.GROUP_JOIN, (e) => {
      assignedToFirst.push(e.payload.memberAssignment[EVENTS] ?? []);
    });

    const second = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    consumers.push(second);
    const secondAssignment: number[][] = [];
    second.on(second.events.GROUP_JOIN, (e) => {
      secondAssignment.push(e.payload.memberAssignment[EVENTS] ?? []);
    });
    const secondSeen: Seen[] = [];
    // Batches whose commit the broker has acknowledged: a message is seen before its commit.
    let secondCommits = 0;
    await second.connect();
    await second.subscribe({ topics: [EVENTS], fromBeginning: true });
    await second.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const m of batch.messages) {
          secondSeen.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            headers: headersOf(m),
          });
          resolveOffset(m.offset);
        }
        await second.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(batch.lastOffset()) + 1n).toString(),
          },
        ]);
        secondCommits++;
      },
    });

    await waitFor(
      () => secondAssignment.length > 0 && assignedToFirst.length > 0,
      60_000,
      'the rebalance',
    );
    const mine = secondAssignment[secondAssignment.length - 1];
    const theirs = assignedToFirst[assignedToFirst.length - 1];
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    expect([...mine, ...theirs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);

    // Nothing old is redelivered: the group resumes from the committed offsets.
    await new Promise((r) => setTimeout(r, 1000));
    expect(secondSeen).toHaveLength(0);

    // A new message for a partition the second consumer owns goes to it, and only to it.
    const seenBefore = seen.length;
    const target = mine[0];
    await producer.send({
      topic: EVENTS,
      acks: -1,
      messages: [
        { key: 'late', value: 'late-event', partition: target, headers: { 'x-seq': 'late' } },
      ],
    });
    await waitFor(() => secondSeen.length === 1, 30_000, 'the second consumer to get the message');
    expect(secondSeen[0]).toMatchObject({
      partition: target,
      key: 'late',
      value: 'late-event',
      headers: { 'x-seq': 'late' },
    });
    expect(seen.length).toBe(seenBefore);

    // The message was handed over before its commit was sent: read the group's offsets once
    // the broker has acknowledged that commit, not while it may still be in flight.
    await waitFor(() => secondCommits === 1, 30_000, "the second consumer's commit");
    const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [EVENTS] });
    const ends = new Map((await admin.fetchTopicOffsets(EVENTS)).map((o) => [o.partition, o.high]));
    const p = committed.partitions.find((x) => x.partition === target);
    expect(p?.offset).toBe(ends.get(target));
    expect(Number(p?.offset)).toBeGreaterThan(0);

    const group = await admin.describeGroups([GROUP]);
    expect(group.groups[0].state).toBe('Stable');
    expect(group.groups[0].members).toHaveLength(2);
  });

  it('keeps a tombstone (null value) on the compacted topic and the log cleaner compacts it', async () => {
    const v = (id: string, n: number): string => JSON.stringify({ id, v: n });
    await producer.send({
      topic: RULES,
      acks: -1,
      messages: [
        { key: 'rule-1', value: v('rule-1', 1) },
        { key: 'rule-2', value: v('rule-2', 1) },
        { key: 'rule-1', value: v('rule-1', 2) },
        { key: 'rule-2', value: null },
      ],
    });
    type Rec = { offset: number; key: string; value: string | null };
    const readAll = async (groupId: string): Promise<Rec[]> => {
      const out: Rec[] = [];
      const end = Number((await admin.fetchTopicOffsets(RULES))[0].high);
      const c = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
      await c.connect();
      await c.subscribe({ topics: [RULES], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          out.push({
            offset: Number(message.offset),
            key: message.key?.toString() ?? '',
            value: message.value === null ? null : message.value.toString(),
          });
          await Promise.resolve();
        },
      });
      await waitFor(
        () => out.length > 0 && out[out.length - 1].offset >= end - 1,
        30_000,
        `reading ${RULES} to offset ${end - 1}`,
      );
      await c.disconnect();
      return out;
    };

    const before = await readAll('it.rules-reader-1');
    expect(before).toEqual([
      { offset: 0, key: 'rule-1', value: v('rule-1', 1) },
      { offset: 1, key: 'rule-2', value: v('rule-2', 1) },
      { offset: 2, key: 'rule-1', value: v('rule-1', 2) },
      { offset: 3, key: 'rule-2', value: null },
    ]);
    // Replaying the topic gives the current rule set: rule-1 v2, rule-2 deleted.
    const state = new Map<string, string>();
    for (const r of before) {
      if (r.value === null) state.delete(r.key);
      else state.set(r.key, r.value);
    }
    expect([...state.entries()]).toEqual([['rule-1', v('rule-1', 2)]]);

    // segment.ms=100: the next append rolls the segment, which makes it cleanable. The cleaner
    // then drops the superseded values and keeps the tombstone (delete.retention.ms is 1 day).
    await new Promise((r) => setTimeout(r, 300));
    await producer.send({
      topic: RULES,
      acks: -1,
      messages: [{ key: 'rule-3', value: v('rule-3', 1) }],
    });
    const checkpoint = path.join(dataDir, 'data', 'cleaner-offset-checkpoint');
    await waitFor(
      () =>
        fs.existsSync(checkpoint) && fs.readFileSync(checkpoint, 'utf8').includes(`${RULES} 0 `),
      60_000,
      'the log cleaner to compact the rules topic',
    );
    const after = await readAll('it.rules-reader-2');
    expect(after).toEqual([
      { offset: 2, key: 'rule-1', value: v('rule-1', 2) },
      { offset: 3, key: 'rule-2', value: null },
      { offset: 4, key: 'rule-3', value: v('rule-3', 1) },
    ]);
  });

  it('stops the broker: the JVM is gone and stop() is idempotent', async () => {
    for (const c of consumers.splice(0)) await c.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    const t0 = Date.now();
    await broker.stop();
    console.log(`broker stopped in ${Date.now() - t0} ms`);
    expect(isAlive(pid)).toBe(false);
    expect(broker.pid).toBeUndefined();
    expect(fs.existsSync(path.join(dataDir, 'broker.pid'))).toBe(false);
    await expect(broker.stop()).resolves.toBeUndefined();
    expect(fs.readFileSync(path.join(dataDir, 'broker.log'), 'utf8')).toContain(
      'Kafka Server started',
    );
  });
});

/**
 * `npm run bench:pipeline`: end-to-end throughput and latency of propagator-style publishing
 * -> Kafka -> consumer -> PostgreSQL, beside a naive one-insert-per-message consumer.
 *
 *   --events N            events for the backlog run (default 1,000,000)
 *   --concurrent-events C events published at full speed while the consumer runs (default 250,000)
 *   --latency-rate R      events/s for the steady-rate latency run (default 10,000)
 *   --latency-seconds S   length of that run (default 15)
 *   --baseline-events M   events for the naive baseline (default 30,000)
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else starts its own broker and database.
 * Everything runs on this machine: broker, database, consumer and the load generator.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  DEFAULT_EVENT_LIMITS,
  decodeEventMessage,
  keyedEventIds,
  Topic,
  topicName,
} from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import { ensureTopics } from '@app/kafka';
import { EventBatchRepository } from '../apps/consumer/src/repositories/event-batch.repository';
import { AppProcess } from '../tools/stack/app-process';
import { repoRoot } from '../tools/stack/repo-root';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { deleteTopicsWithPrefix } from '../tools/infra/scratch-topics';
import {
  fmt,
  memoryOf,
  startBenchInfrastructure,
  numberOption,
  publish,
  say,
  sleep,
} from './support';

const EVENTS = numberOption('--events', 1_000_000);
const CONCURRENT_EVENTS = numberOption('--concurrent-events', 250_000);
const LATENCY_RATE = numberOption('--latency-rate', 10_000);
const LATENCY_SECONDS = numberOption('--latency-seconds', 15);
const BASELINE_EVENTS = numberOption('--baseline-events', 30_000);
const TYPES = [
  'payment.exception',
  'login.failure',
  'user-service.exception',
  'order.created',
  'http.5xx',
];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

/** A realistic event stamped with its publish time, so row latency = received_at - occurred_at. */
function eventMessage(index: number, type?: string) {
  const source = `client-${index % 50}`;
  return {
    key: source,
    value: JSON.stringify({
      id: randomUUID(),
      type: type ?? TYPES[index % TYPES.length],
      source,
      severity: SEVERITIES[index % SEVERITIES.length],
      occurredAt: new Date().toISOString(),
      value: index % 5 === 0 ? index % 100 : undefined,
      payload: { orderId: `A-${index}`, message: 'card declined by issuer', attempt: index % 5 },
    }),
  };
}

/** Publishes `count` events of the realistic mix (or all of one `type`), optionally paced. */
function publishEvents(
  producer: Producer,
  topic: string,
  count: number,
  ratePerSecond = 0,
  type?: string,
): Promise<number> {
  return publish(producer, topic, count, (index) => eventMessage(index, type), ratePerSecond);
}

async function rowStats(client: Client, where = 'true') {
  const { rows } = await client.query<{
    n: string;
    span: number | null;
    p50: number | null;
    p99: number | null;
  }>(`
    SELECT count(*) AS n,
           extract(epoch FROM max(received_at) - min(received_at))::float8 AS span,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - occurred_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - occurred_at)) AS p99
    FROM events WHERE ${where}`);
  return {
    count: Number(rows[0].n),
    span: rows[0].span ?? 0,
    p50: rows[0].p50 ?? NaN,
    p99: rows[0].p99 ?? NaN,
  };
}

async function waitForRows(
  client: Client,
  expected: number,
  where = 'true',
  timeoutMs = 30 * 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE ${where}`,
    );
    if (Number(rows[0].n) >= expected) return;
    if (Date.now() > deadline)
      throw new Error(`only ${rows[0].n} of ${expected} rows after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** The consumer as people first write it: one message, one statement, autocommit. */
async function naiveBaseline(
  kafka: Kafka,
  producer: Producer,
  serverUrl: string,
  prefix: string,
  eventIdSecret: string,
) {
  const topic = `${prefix}naive-events`;
  // Same partitions as the events topic, so both consumers have the same parallelism.
  await ensureTopics(kafka, [Topic.Events], { prefix, names: { [Topic.Events]: topic } });
  await publishEvents(producer, topic, BASELINE_EVENTS);

  const db = await createScratchDatabase(serverUrl, 'naive');
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: db.url, poolSize: 5 }),
    logging: false,
  });
  await dataSource.initialize();
  // The same SQL as the real consumer, so only the batching differs.
  const repository = new EventBatchRepository(dataSource);
  const eventIds = keyedEventIds(eventIdSecret);
  const consumer = kafka.consumer({ groupId: `${prefix}naive` });
  let stored = 0;
  let started = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ partition, message }) => {
        started ||= Date.now();
        const decoded = decodeEventMessage(
          {
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
          },
          DEFAULT_EVENT_LIMITS,
          eventIds,
        );
        if (decoded.ok) {
          // Awaited first: `stored += await ...` would read `stored` before the await and lose
          // increments made meanwhile by the other partitions.
          const inserted = await repository.insertBatch([
            { event: decoded.event, partition, offset: message.offset },
          ]);
          stored += inserted;
        }
        if (stored >= BASELINE_EVENTS) resolve();
      },
    });
  });
  await done;
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  await dataSource.destroy();
  await db.drop();
  return { events: stored, seconds, rate: stored / seconds };
}

async function main(): Promise<void> {
  const root = repoRoot();
  say(
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; broker, database, consumer and load generator all local`,
  );
  const { infra, kafka, prefix, eventIdSecret } = await startBenchInfrastructure(root);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const db = await createScratchDatabase(infra.databaseUrl, 'pipeline');
  const client = new Client({ connectionString: db.url });
  let consumer: AppProcess | undefined;
  try {
    await producer.connect();
    await client.connect();
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq], { prefix });

    // 1. Backlog: the events are in Kafka before the consumer starts, so it drains them with
    // the load generator idle: its own capacity on this machine (broker and database included).
    say(`\n[1/4] backlog: publishing ${fmt(EVENTS)} events, then starting the consumer`);
    const publishSeconds = await publishEvents(producer, topicName(Topic.Events, prefix), EVENTS);
    say(`published in ${publishSeconds.toFixed(1)} s (${fmt(EVENTS / publishSeconds)} events/s)`);
    consumer = new AppProcess('consumer', {
      repoRoot: root,
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        DATABASE_URL: db.url,
        EVENT_ID_SECRET: eventIdSecret,
        CONSUMER_PORT: '0',
        LOG_LEVEL: 'warn',
      },
      onLine: (line) => say(`[consumer] ${line}`),
    });
    consumer.start();
    const drainStarted = Date.now();
    await waitForRows(client, EVENTS);
    const drainWall = (Date.now() - drainStarted) / 1000;
    const backlog = await rowStats(client);

    // 2. Concurrent: publishing at full speed while the consumer runs, both on the same cores.
    say(
      `[2/4] concurrent: publishing ${fmt(CONCURRENT_EVENTS)} events at full speed while consuming`,
    );
    const concurrentStarted = Date.now();
    await publishEvents(
      producer,
      topicName(Topic.Events, prefix),
      CONCURRENT_EVENTS,
      0,
      'bench.concurrent',
    );
    await waitForRows(client, CONCURRENT_EVENTS, "type = 'bench.concurrent'");
    const concurrentWall = (Date.now() - concurrentStarted) / 1000;
    const concurrent = await rowStats(client, "type = 'bench.concurrent'");

    // 3. Latency at a steady rate the consumer can sustain (no backlog).
    say(`[3/4] latency: ${fmt(LATENCY_RATE)} events/s for ${LATENCY_SECONDS} s`);
    const pacedCount = LATENCY_RATE * LATENCY_SECONDS;
    await publishEvents(
      producer,
      topicName(Topic.Events, prefix),
      pacedCount,
      LATENCY_RATE,
      'bench.paced',
    );
    await waitForRows(client, pacedCount, "type = 'bench.paced'");
    const paced = await rowStats(client, "type = 'bench.paced'");
    const memory = memoryOf(consumer?.pid);

    // 4. Baseline.
    say(`[4/4] naive baseline: one INSERT per message, ${fmt(BASELINE_EVENTS)} events`);
    const naive = await naiveBaseline(kafka, producer, infra.databaseUrl, prefix, eventIdSecret);

    const drainRate = backlog.count / backlog.span;
    const concurrentRate = concurrent.count / concurrentWall;
    const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
    say('\n=== pipeline benchmark ===');
    say(
      `sustained persisted events/s, backlog     ${fmt(drainRate)}   (${fmt(backlog.count)} events, first to last row; ${drainWall.toFixed(1)} s wall from consumer start)`,
    );
    say(
      `persisted events/s while publishing        ${fmt(concurrentRate)}   (${fmt(concurrent.count)} events, first publish to last row, load generator on the same 2 cores)`,
    );
    say(
      `publish-to-row latency, full-speed publish p50 ${ms(concurrent.p50)}, p99 ${ms(concurrent.p99)}   (includes the backlog that builds up)`,
    );
    say(
      `publish-to-row latency @ ${fmt(LATENCY_RATE)}/s        p50 ${ms(paced.p50)}, p99 ${ms(paced.p99)}`,
    );
    say(
      `consumer memory                            peak RSS ${memory.peakMb.toFixed(0)} MiB, at the end ${memory.rssMb.toFixed(0)} MiB`,
    );
    say(
      `naive baseline (1 insert per message)      ${fmt(naive.rate)} events/s   (${fmt(naive.events)} events in ${naive.seconds.toFixed(1)} s)`,
    );
    say(`batched (backlog) vs naive                 ${(drainRate / naive.rate).toFixed(1)}x`);
    say(
      `target >= 20,000 events/s persisted by one consumer (backlog run): ${drainRate >= 20000 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await consumer?.stop();
    await producer.disconnect();
    await client.end();
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

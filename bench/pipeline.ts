/**
 * `npm run bench:pipeline`: end-to-end throughput and latency of propagator-style publishing
 * -> Kafka -> consumer -> PostgreSQL, beside reference lines measured in the same run: a raw
 * COPY of the same rows, a bare kafkajs read of the same topic, and a naive
 * one-insert-per-message consumer.
 *
 *   --events N             events for the backlog run (default 1,000,000)
 *   --reference-events R   rows COPYed and messages read by the two references (default the
 *                          smaller of N and 300,000)
 *   --only backlog         the backlog run and the two references only
 *   --cpu-prof-dir DIR     run the consumer under --cpu-prof, its profile written to DIR on exit
 *   --io-timing FILE       time the consumer's Kafka requests and pg queries (io-timing-preload.ts),
 *                          the drain's totals written to FILE on exit
 *   --consumer-node-args A options for the consumer's node, space-separated (e.g. V8's
 *                          "--max-semi-space-size=8"); the consumer's settings (CONSUMER_*)
 *                          come from this process's environment
 *   --concurrent-events C  events published at full speed while the consumer runs (default 250,000)
 *   --latency-rate R       events/s for the steady-rate latency run (default 10,000)
 *   --latency-seconds S    length of that run (default 15)
 *   --baseline-events M    events for the naive baseline (default 30,000)
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else starts its own broker and database.
 * Everything runs on this machine: broker, database, consumer and the load generator.
 */
import 'reflect-metadata';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { AppProcess } from '../tools/stack/app-process';
import { repoRoot } from '../tools/stack/repo-root';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { deleteTopicsWithPrefix } from '../tools/infra/scratch-topics';
import { publishEvents } from './pipeline-events';
import { describeMemorySample, MemorySample } from './memory-preload';
import { storedRows, waitForRows } from './pipeline-rows';
import { cpuSplitLines, cpuSplitMeter, localServerPid, MeasuredProcess } from './process-cpu';
import { bareConsumerReference } from './references/bare-consumer-reference';
import { copyReference } from './references/copy-reference';
import { naiveBaseline } from './references/naive-baseline';
import {
  fmt,
  memoryOf,
  startBenchInfrastructure,
  numberOption,
  say,
  stringOption,
} from './support';

const EVENTS = numberOption('--events', 1_000_000);
const REFERENCE_EVENTS = numberOption('--reference-events', Math.min(EVENTS, 300_000));
const ONLY = stringOption('--only', 'all');
const CPU_PROF_DIR = stringOption('--cpu-prof-dir', '');
const IO_TIMING_FILE = stringOption('--io-timing', '');
const CONSUMER_NODE_ARGS = stringOption('--consumer-node-args', '').split(' ').filter(Boolean);
const CONCURRENT_EVENTS = numberOption('--concurrent-events', 250_000);
const LATENCY_RATE = numberOption('--latency-rate', 10_000);
const LATENCY_SECONDS = numberOption('--latency-seconds', 15);
const BASELINE_EVENTS = numberOption('--baseline-events', 30_000);
const DRAIN_TARGET = 50_000;
/** Issue 15's target: the consumer persists at least half as fast as PostgreSQL's own COPY. */
const COPY_SHARE_TARGET = 0.5;

const ratio = (rate: number, reference: number) => (rate / reference).toFixed(2);
const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The processes whose CPU the backlog drain is split into (a server elsewhere is shown as such). */
function pipelineProcesses(
  infra: { kafkaBrokers: string; databaseUrl: string },
  consumerPid: number | undefined,
): MeasuredProcess[] {
  return [
    { name: 'consumer', pid: consumerPid },
    { name: 'Kafka broker', pid: localServerPid(infra.kafkaBrokers.split(',')[0]) },
    { name: 'PostgreSQL, every process', pid: localServerPid(new URL(infra.databaseUrl).host) },
    { name: 'bench (idle load generator, polling)', pid: process.pid, alone: true },
  ];
}

async function main(): Promise<void> {
  if (ONLY !== 'all' && ONLY !== 'backlog') throw new Error(`--only takes "backlog", not ${ONLY}`);
  if (REFERENCE_EVENTS > EVENTS)
    throw new Error(
      `--reference-events ${REFERENCE_EVENTS} > --events ${EVENTS}: the bare read has only the backlog to read`,
    );
  const steps = ONLY === 'backlog' ? 2 : 5;
  const root = repoRoot();
  say(
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; broker, database, consumer and load generator all local`,
  );
  const { infra, kafka, prefix, eventIdSecret } = await startBenchInfrastructure(root);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const db = await createScratchDatabase(infra.databaseUrl, 'pipeline');
  const client = new Client({ connectionString: db.url });
  const eventsTopic = topicName(Topic.Events, prefix);
  const memoryFile = join(tmpdir(), `${prefix}consumer-memory.json`);
  const peakMemory = () => JSON.parse(readFileSync(memoryFile, 'utf8')) as MemorySample;
  const consumerEnv = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: db.url,
    EVENT_ID_SECRET: eventIdSecret,
    CONSUMER_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  let consumer: AppProcess | undefined;
  try {
    await producer.connect();
    await client.connect();
    await ensureTopics(kafka, [Topic.Events, Topic.EventsDlq], { prefix });

    // 1. Backlog: the events are in Kafka before the consumer starts, so it drains them with
    // the load generator idle: its own capacity on this machine (broker and database included).
    say(`\n[1/${steps}] backlog: publishing ${fmt(EVENTS)} events, then starting the consumer`);
    const publishSeconds = await publishEvents(producer, eventsTopic, EVENTS);
    say(`published in ${publishSeconds.toFixed(1)} s (${fmt(EVENTS / publishSeconds)} events/s)`);
    consumer = new AppProcess('consumer', {
      repoRoot: root,
      env: {
        ...consumerEnv,
        BENCH_MEMORY_FILE: memoryFile,
        ...(IO_TIMING_FILE && { BENCH_IO_TIMING_FILE: resolve(IO_TIMING_FILE) }),
      },
      nodeArgs: [
        ...CONSUMER_NODE_ARGS,
        ...['--require', join(__dirname, 'memory-preload.js')],
        ...(CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : []),
        ...(IO_TIMING_FILE ? ['--require', join(__dirname, 'io-timing-preload.js')] : []),
      ],
      onLine: (line) => say(`[consumer] ${line}`),
    });
    consumer.start();
    const drainStarted = Date.now();
    // The CPU split counts from the first stored row: the consumer's start-up is not per-event.
    const storedFirst = await waitForRows(client, 1, undefined, 20);
    const drainCpu = cpuSplitMeter(pipelineProcesses(infra, consumer.pid));
    const backlog = await storedRows(client, EVENTS);
    const drainSplit = drainCpu();
    const drainWall = (backlog.storedAt - drainStarted) / 1000;
    const drainRate = backlog.count / backlog.span;
    const backlogMemory = memoryOf(consumer.pid);
    const backlogPeak = peakMemory();

    // 2. References on the same machine, right after the drain, the consumer idle: what
    // kafkajs alone and PostgreSQL alone do with the same messages and rows.
    say(
      `[2/${steps}] references: a bare kafkajs read of ${fmt(REFERENCE_EVENTS)} backlog messages, a COPY of ${fmt(REFERENCE_EVENTS)} rows`,
    );
    const bare = await bareConsumerReference(kafka, {
      topic: eventsTopic,
      groupId: `${prefix}bare-reference`,
      count: REFERENCE_EVENTS,
      consumerEnv,
    });
    const copy = await copyReference(db.url, REFERENCE_EVENTS);

    say('\n=== pipeline benchmark ===');
    say(
      `sustained persisted events/s, backlog     ${fmt(drainRate)}   (${fmt(backlog.count)} events, first to last row; ${drainWall.toFixed(1)} s wall from consumer start)`,
    );
    say(
      `(a) raw COPY into a copy of events         ${fmt(copy.rate)} rows/s   (${fmt(copy.count)} rows, text COPY FROM STDIN, same indexes, ${copy.seconds.toFixed(1)} s)`,
    );
    say(
      `(b) bare kafkajs read + JSON.parse         ${fmt(bare.rate)} messages/s   (${fmt(bare.count)} backlog messages, consumer's fetch settings, ${bare.seconds.toFixed(1)} s)`,
    );
    say(
      `consumer drain = ${ratio(drainRate, copy.rate)} x COPY, ${ratio(drainRate, bare.rate)} x bare read`,
    );
    say(
      `consumer memory after the backlog          peak RSS ${backlogMemory.peakMb.toFixed(0)} MiB, then ${backlogMemory.rssMb.toFixed(0)} MiB`,
    );
    say(`  at the highest sampled RSS: ${describeMemorySample(backlogPeak)}`);
    const splitEvents = backlog.count - storedFirst;
    say(
      `where the drain's CPU went, from the first stored row to the last (${fmt(splitEvents)} events, ${((drainSplit.wallSeconds * 1e6) / splitEvents).toFixed(1)} µs of wall per event):`,
    );
    for (const line of cpuSplitLines(drainSplit, splitEvents)) say(line);
    say(
      `target >= ${fmt(DRAIN_TARGET)} events/s persisted by one consumer (backlog run): ${met(drainRate >= DRAIN_TARGET)}`,
    );
    say(
      `target >= ${COPY_SHARE_TARGET * 100}% of the COPY line: ${met(drainRate >= COPY_SHARE_TARGET * copy.rate)}`,
    );
    if (ONLY === 'backlog') return;

    // 3. Concurrent: publishing at full speed while the consumer runs, both on the same cores.
    say(
      `\n[3/${steps}] concurrent: publishing ${fmt(CONCURRENT_EVENTS)} events at full speed while consuming`,
    );
    const concurrentStarted = Date.now();
    await publishEvents(producer, eventsTopic, CONCURRENT_EVENTS, 0, 'bench.concurrent');
    const concurrent = await storedRows(client, CONCURRENT_EVENTS, 'bench.concurrent');
    const concurrentWall = (concurrent.storedAt - concurrentStarted) / 1000;

    // 4. Latency at a steady rate the consumer can sustain (no backlog).
    say(`[4/${steps}] latency: ${fmt(LATENCY_RATE)} events/s for ${LATENCY_SECONDS} s`);
    const pacedCount = LATENCY_RATE * LATENCY_SECONDS;
    await publishEvents(producer, eventsTopic, pacedCount, LATENCY_RATE, 'bench.paced');
    const paced = await storedRows(client, pacedCount, 'bench.paced');
    const memory = memoryOf(consumer.pid);

    // 5. Baseline.
    say(`[5/${steps}] naive baseline: one INSERT per message, ${fmt(BASELINE_EVENTS)} events`);
    const naive = await naiveBaseline(kafka, producer, {
      serverUrl: infra.databaseUrl,
      prefix,
      eventIdSecret,
      events: BASELINE_EVENTS,
    });

    const concurrentRate = concurrent.count / concurrentWall;
    say('\n=== pipeline benchmark, continued ===');
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
    say(`  at the highest sampled RSS: ${describeMemorySample(peakMemory())}`);
    say(
      `naive baseline (1 insert per message)      ${fmt(naive.rate)} events/s   (${fmt(naive.count)} events in ${naive.seconds.toFixed(1)} s)`,
    );
    say(`batched (backlog) vs naive                 ${(drainRate / naive.rate).toFixed(1)}x`);
  } finally {
    await consumer?.stop();
    await producer.disconnect();
    await client.end();
    rmSync(memoryFile, { force: true });
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

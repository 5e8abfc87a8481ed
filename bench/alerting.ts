/**
 * `npm run bench:alerting`: the alerting service with 100 rules and 100,000 active group keys.
 *
 *   [1/3] engine: evaluation throughput of the window engine alone (in process), tick cost
 *         and memory per active key
 *   [2/3] process: one alerting process draining a backlog from Kafka (throughput)
 *   [3/3] pipeline at --rate events/s (consumer and alerting both running): publish-to-incident
 *         latency of probe events (timed from a worker thread, off the load generator's event
 *         loop), whether alerting keeps up, and how busy the machine's CPU was meanwhile
 *
 *   --keys K            active (rule, source) keys (default 100,000)
 *   --engine-events N   events for the in-process run (default 1,000,000)
 *   --backlog-events M  events for the process run (default 500,000)
 *   --rate R            pipeline rate for the latency run (default 10,000 events/s)
 *   --seconds S         length of the latency run (default 120: long enough for a major GC)
 *   --without-consumer  latency run with alerting only (no consumer, no database writes)
 *   --rounds R          engine rounds, each beside a raw reference (default 3; medians printed)
 *   --only engine       part [1/3] alone: no broker, no database
 *   --pipeline-only     skip [1/3] (the in-process engine run), to iterate on [3/3] faster
 *   --alerting-node-args "A B"  node options for the alerting process (e.g. V8 GC flags)
 *   --alerting-env "K=V K=V"    extra environment of the alerting process (its settings)
 *   --pin-alerting C    pin the alerting process to CPU C and this process and the consumer to
 *                       the others (taskset; the control for "alerting waits for a core")
 *   --probes-json FILE  write every probe's stage stamps to FILE
 *   --alerting-log FILE every line the alerting process prints, to FILE (with
 *                       --alerting-node-args --trace-gc-nvp: each GC's phases, to line up with
 *                       the probes)
 *   --http-ports P      HTTP ports of the apps it starts: alerting P, consumer P + 1 (default
 *                       29820; a fixed pair, not port 0, so they stay out of the ephemeral range)
 *
 * [3/3] prints publish-to-incident split into stages (stage-table.ts): the benchmark sets
 * LogAppendTime on its events and notifications topics, so the broker stamps when it appended
 * each probe event and each incident, and alerting's timing headers say when it fetched and
 * evaluated the event.
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else starts its own broker and database.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { EngineEvent } from '@app/engine';
import { createScratchDatabase } from '../tools/infra/scratch-database';
import { deleteTopicsWithPrefix } from '../tools/infra/scratch-topics';
import { scrapeMetrics } from '../tools/metrics/prometheus-text';
import { AppName, AppProcess } from '../tools/stack/app-process';
import { repoRoot } from '../tools/stack/repo-root';
import {
  cpuBusyPercent,
  fmt,
  machineCpuTicks,
  memoryOf,
  startBenchInfrastructure,
  numberOption,
  stringOption,
  percentile,
  publish,
  say,
  sleep,
} from './support';
import { grew, observedAbove } from './app-metrics';
import { startLatencyProbe } from './latency-probe';
import { EngineRunResult, PassGc, runEngine } from './alerting-engine';
import {
  asMessage,
  backgroundEvent as workloadEvent,
  benchRules,
  decodedEvent,
} from './alerting-workload';
import { formatStageTable, slowestStage, stageRows, TOTAL, durationOf } from './stage-table';

const KEYS = numberOption('--keys', 100_000);
const ENGINE_EVENTS = numberOption('--engine-events', 1_000_000);
const BACKLOG_EVENTS = numberOption('--backlog-events', 500_000);
const RATE = numberOption('--rate', 10_000);
// Alerting's old generation fills slowly (about 1.4 MB/s at 10,000 events/s), so a major GC,
// the one event that holds evaluation up, comes every 1.5-2 minutes: a shorter run would
// usually measure a tail without one.
const SECONDS = numberOption('--seconds', 120);
const ROUNDS = numberOption('--rounds', 3);
const ONLY = stringOption('--only', 'all');
const PROBES_PER_SECOND = 10;
// Leaves the consumer (and so PostgreSQL's writes) out of the latency run, to see what they cost.
const WITHOUT_CONSUMER = process.argv.includes('--without-consumer');
const HTTP_PORTS = numberOption('--http-ports', 29820);
const PIPELINE_ONLY = process.argv.includes('--pipeline-only');
const ALERTING_NODE_ARGS = stringOption('--alerting-node-args', '').split(' ').filter(Boolean);
const ALERTING_ENV: Record<string, string> = Object.fromEntries(
  stringOption('--alerting-env', '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const PIN_ALERTING = numberOption('--pin-alerting', -1);
const PROBES_JSON = stringOption('--probes-json', '');
const ALERTING_LOG = stringOption('--alerting-log', '');

/** The shared workload, with this run's number of keys. */
const backgroundEvent = (index: number, occurredAt: number): EngineEvent =>
  workloadEvent(index, occurredAt, KEYS);

function engineRun(): EngineRunResult {
  say(
    `\n[1/3] engine: ${fmt(ENGINE_EVENTS)} events over ${fmt(KEYS)} keys and 100 rules, in process, ${ROUNDS} rounds`,
  );
  // Built before any clock starts: the run times evaluation, not making events. A whole
  // minute, so every run sees the same tumbling buckets and keeps the same state.
  const base = Math.floor(Date.now() / 60_000) * 60_000;
  const spreadMs = 60_000;
  const makeEvents = () =>
    Array.from({ length: ENGINE_EVENTS }, (_, i) =>
      decodedEvent(i, base + Math.floor((i * spreadMs) / ENGINE_EVENTS), KEYS),
    );
  return runEngine(benchRules(), makeEvents, ROUNDS, spreadMs);
}

/** The broker stamps each record with its own clock when it appends it (LogAppendTime). */
async function stampAppendTime(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Major GCs and scavenge time inside the timed passes, per round: a major GC there marks the
 * bench's held events too, which is what "full GC" below shows with and without the engine.
 */
function gcLine(passes: readonly PassGc[]): string {
  const round = (gc: PassGc) =>
    `${gc.majorGcs} major (${gc.majorMs.toFixed(0)} ms), scavenges ${gc.scavengeMs.toFixed(0)} ms`;
  return passes.map(round).join('; ');
}

function sayEngine(engine: EngineRunResult): void {
  const spread = (pick: (round: EngineRunResult['rounds'][number]) => number) =>
    engine.rounds.map((round) => fmt(pick(round))).join(', ');
  const versus = (rate: number, reference: number) =>
    `${(rate / reference).toFixed(3)}   (${(1e6 / rate).toFixed(2)} µs vs ${(1e6 / reference).toFixed(2)} µs per event)`;
  say(
    `engine evaluation, in process          ${fmt(engine.rate)} events/s   (${fmt(engine.stats.keys)} keys created, ${fmt(engine.stats.stateEntries)} state entries, 100 rules; median of ${spread((r) => r.engine)})`,
  );
  say(
    `raw reference, same events             ${fmt(engine.referenceRate)} events/s   (a Map lookup by type and one by key per event; median of ${spread((r) => r.reference)})`,
  );
  say(`engine / reference                     ${versus(engine.rate, engine.referenceRate)}`);
  say(
    `engine, steady state (keys exist)      ${fmt(engine.steadyRate)} events/s   (the same events one window later; median of ${spread((r) => r.steady)})`,
  );
  say(
    `raw reference, steady state            ${fmt(engine.steadyReferenceRate)} events/s   (median of ${spread((r) => r.steadyReference)})`,
  );
  say(
    `engine / reference, steady state       ${versus(engine.steadyRate, engine.steadyReferenceRate)}`,
  );
  say(`GC inside the fresh passes             ${gcLine(engine.freshGc)}`);
  say(`GC inside the steady passes            ${gcLine(engine.steadyGc)}`);
  say(
    `engine tick with ${fmt(engine.stats.keys)} keys        p50 ${percentile(engine.tickMs, 50).toFixed(1)} ms, max ${percentile(engine.tickMs, 100).toFixed(1)} ms`,
  );
  say(
    `memory per active key (heap + arrays) ${global.gc ? `${fmt(engine.bytesPerKey)} bytes` : 'n/a (no --expose-gc)'}`,
  );
  say(
    `heap objects, engine state alive       ${global.gc ? `${fmt(engine.heapObjects)}   (${fmt(engine.heapObjectsWithoutEngine)} once the engine is released: ${((engine.heapObjects - engine.heapObjectsWithoutEngine) / engine.stats.keys).toFixed(2)} per key)` : 'n/a (no --expose-gc)'}`,
  );
  say(
    `full GC, engine state alive            ${global.gc ? `${engine.fullGcMs.toFixed(1)} ms   (${engine.fullGcWithoutEngineMs.toFixed(1)} ms once the engine is released, same process; median of 5 each)` : 'n/a (no --expose-gc)'}`,
  );
}

async function main(): Promise<void> {
  const root = repoRoot();
  say(
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; broker, database, apps and load generator all local`,
  );
  if (!global.gc) say('(run with node --expose-gc for the memory-per-key figure)');
  if (ONLY !== 'all' && ONLY !== 'engine') throw new Error(`--only takes "engine", not ${ONLY}`);
  const engine = PIPELINE_ONLY ? undefined : engineRun();
  if (ONLY === 'engine') {
    say('\n=== alerting benchmark, engine only ===');
    if (engine) sayEngine(engine);
    return;
  }

  const { infra, kafka, prefix, eventIdSecret } = await startBenchInfrastructure(root);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const db = await createScratchDatabase(infra.databaseUrl, 'alerting');
  const rulesDir = mkdtempSync(join(tmpdir(), 'bench-rules-'));
  const rulesFile = join(rulesDir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(benchRules()));
  const eventsTopic = topicName(Topic.Events, prefix);
  const apps: AppProcess[] = [];
  const startApp = (
    name: AppName,
    env: Record<string, string>,
    onLine?: (line: string) => void,
    nodeArgs: string[] = [],
  ) => {
    const app = new AppProcess(name, {
      repoRoot: root,
      nodeArgs,
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        EVENT_ID_SECRET: eventIdSecret,
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'log',
        ...env,
      },
      onLine: (line) =>
        onLine
          ? onLine(line)
          : /"level":"(error|fatal|warn)"/.test(line) && say(`[${name}] ${line}`),
    });
    app.start();
    apps.push(app);
    return app;
  };
  const committed = async (groupId: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [eventsTopic] });
      return offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const setGroupOffsets = async (
    groupId: string,
    offsetOf: (partition: { offset: string; high: string }) => string,
  ) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const partitions = (await admin.fetchTopicOffsets(eventsTopic)).map((p) => ({
        partition: p.partition,
        offset: offsetOf(p),
      }));
      await admin.setOffsets({ groupId, topic: eventsTopic, partitions });
    } finally {
      await admin.disconnect();
    }
  };
  const startGroupAtEnd = (groupId: string) => setGroupOffsets(groupId, (p) => p.high);
  try {
    await producer.connect();
    await ensureTopics(
      kafka,
      [
        Topic.Events,
        Topic.EventsDlq,
        Topic.AlertRules,
        Topic.Notifications,
        Topic.NotificationDeliveries,
        Topic.NotificationsDlq,
      ],
      { prefix },
    );
    const notificationsTopic = topicName(Topic.Notifications, prefix);
    await stampAppendTime(kafka, [eventsTopic, notificationsTopic]);

    say(
      `\n[2/3] process: ${fmt(BACKLOG_EVENTS)} events in Kafka, then one alerting process drains them`,
    );
    const now = Date.now();
    await publish(producer, eventsTopic, BACKLOG_EVENTS, (i) => asMessage(backgroundEvent(i, now)));
    const groupId = `${prefix}alerting`;
    // A group that committed offset 0: the process evaluates the whole backlog as new events.
    await setGroupOffsets(groupId, () => '0');
    let ready = 0;
    const alertingLog = ALERTING_LOG ? createWriteStream(ALERTING_LOG) : undefined;
    const alerting = startApp(
      'alerting',
      {
        ALERTING_PORT: String(HTTP_PORTS),
        ALERTING_GROUP_ID: groupId,
        ALERTING_DISPATCH_GROUP_ID: `${prefix}dispatch`,
        ALERTING_RULES_FILE: rulesFile,
        // The probe rule opens PROBES_PER_SECOND incidents a second: each one is a measurement.
        ALERTING_MAX_INCIDENTS_PER_RULE_PER_MINUTE: String(PROBES_PER_SECOND * 60 * 10),
        ...ALERTING_ENV,
      },
      (line) => {
        alertingLog?.write(`${Date.now()} ${line}\n`);
        if (!ready && line.includes('windows ready')) ready = Date.now();
        if (/"level":"(error|fatal|warn)"/.test(line)) say(`[alerting] ${line}`);
      },
      ALERTING_NODE_ARGS,
    );
    while (!ready) await sleep(50);
    while ((await committed(groupId)) < BACKLOG_EVENTS) await sleep(250);
    const drainSeconds = (Date.now() - ready) / 1000;
    const drainMemory = memoryOf(alerting.pid);

    say(
      `[3/3] pipeline: ${fmt(RATE)} events/s for ${SECONDS} s through consumer and alerting, ${PROBES_PER_SECOND} probes/s`,
    );
    const consumerGroup = `${prefix}consumer`;
    // The consumer joins at the head of the topic: the backlog above was for alerting's drain,
    // and a consumer still writing it to PostgreSQL would be a second load during the run.
    await startGroupAtEnd(consumerGroup);
    const consumer = WITHOUT_CONSUMER
      ? undefined
      : startApp('consumer', {
          CONSUMER_PORT: String(HTTP_PORTS + 1),
          DATABASE_URL: db.url,
          CONSUMER_GROUP_ID: consumerGroup,
        });
    await sleep(5000);
    if (PIN_ALERTING >= 0) {
      const others = cpus()
        .map((_, cpu) => cpu)
        .filter((cpu) => cpu !== PIN_ALERTING)
        .join(',');
      // -a: every thread (V8's GC helpers and libuv's pool run on threads of their own).
      const pin = (pid: number | undefined, list: string) =>
        pid && execFileSync('taskset', ['-a', '-pc', list, String(pid)]);
      pin(alerting.pid, String(PIN_ALERTING));
      pin(process.pid, others);
      pin(consumer?.pid, others);
      say(`  alerting pinned to CPU ${PIN_ALERTING}; this process and the consumer to ${others}`);
    }
    const metricsBefore = await scrapeMetrics(`http://127.0.0.1:${HTTP_PORTS}`);
    const probe = await startLatencyProbe({
      kafka: infra.kafkaOptions,
      eventsTopic,
      notificationsTopic,
      watcherGroupId: `${prefix}watcher`,
      probeType: 'bench.probe',
      perSecond: PROBES_PER_SECOND,
    });
    const cpuBefore = machineCpuTicks();
    const base = Date.now();
    const publishSeconds = await publish(
      producer,
      eventsTopic,
      RATE * SECONDS,
      (i) => asMessage(backgroundEvent(i, base + (i / RATE) * 1000)),
      RATE,
    );
    const cpuBusy = cpuBusyPercent(cpuBefore, machineCpuTicks());
    const probesSent = await probe.stopSending();
    const lagAtEnd = BACKLOG_EVENTS + RATE * SECONDS + probesSent - (await committed(groupId));
    const catchUpStarted = Date.now();
    while ((await committed(groupId)) < BACKLOG_EVENTS + RATE * SECONDS + probesSent)
      await sleep(100);
    const catchUpMs = Date.now() - catchUpStarted;
    const probed = await probe.finish(1000);
    const metricsAfter = await scrapeMetrics(`http://127.0.0.1:${HTTP_PORTS}`);
    if (PROBES_JSON) writeFileSync(PROBES_JSON, JSON.stringify({ base, probes: probed.probes }));
    const pipelineMemory = memoryOf(alerting.pid);
    const sorted = probed.probes.map((p) => durationOf(p, TOTAL)).sort((a, b) => a - b);

    say('\n=== alerting benchmark ===');
    if (engine) sayEngine(engine);
    say(
      `one alerting process, Kafka backlog    ${fmt(BACKLOG_EVENTS / drainSeconds)} events/s   (${fmt(BACKLOG_EVENTS)} events in ${drainSeconds.toFixed(1)} s; RSS ${drainMemory.rssMb.toFixed(0)} MiB)`,
    );
    say(
      `pipeline rate offered                  ${fmt((RATE * SECONDS) / publishSeconds)} events/s for ${publishSeconds.toFixed(0)} s (consumer + alerting on the same ${cpus().length} cores)`,
    );
    say(
      `machine CPU busy during that run        ${cpuBusy.toFixed(0)}% of ${cpus().length} cores (broker, PostgreSQL, apps, load generator); load average ${loadavg()[0].toFixed(1)}`,
    );
    say(
      `alerting lag when publishing stopped   ${fmt(lagAtEnd)} events, caught up ${catchUpMs} ms later`,
    );
    say(
      `publish-to-incident latency            p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${percentile(sorted, 100)} ms   (${sorted.length} of ${probed.sent} probes)`,
    );
    for (const line of formatStageTable(stageRows(probed.probes))) say(line);
    const slowest = [...probed.probes]
      .sort((a, b) => durationOf(b, TOTAL) - durationOf(a, TOTAL))
      .slice(0, 5)
      .map((p) => {
        const { stage, ms } = slowestStage(p);
        return `${durationOf(p, TOTAL)} ms at ${((p.sent - base) / 1000).toFixed(1)} s (${ms} ms in "${stage.name}")`;
      });
    say(`  slowest probes (since load start):`);
    for (const line of slowest) say(`    ${line}`);
    const gc = (kind: string) => {
      const labels = { kind };
      const seconds = grew(metricsBefore, metricsAfter, 'nodejs_gc_duration_seconds_sum', labels);
      const count = grew(metricsBefore, metricsAfter, 'nodejs_gc_duration_seconds_count', labels);
      return `${kind} ${fmt(count)} (${(seconds * 1000).toFixed(0)} ms)`;
    };
    say(
      `alerting's own view of the run         GC ${['minor', 'major', 'incremental'].map(gc).join(', ')}`,
    );
    const stage = (histogram: string) =>
      `${fmt(grew(metricsBefore, metricsAfter, `${histogram}_count`))} batches, ${fmt(observedAbove(metricsBefore, metricsAfter, histogram, '0.25'))} over 250 ms`;
    say(
      `  fetch to evaluated                    ${stage('eventmon_alerting_fetch_to_evaluated_seconds')}`,
    );
    say(
      `  evaluated to acknowledged             ${stage('eventmon_alerting_evaluated_to_acknowledged_seconds')}`,
    );
    say(
      `alerting process memory                RSS ${pipelineMemory.rssMb.toFixed(0)} MiB, peak ${pipelineMemory.peakMb.toFixed(0)} MiB`,
    );
    const majorGcs = grew(metricsBefore, metricsAfter, 'nodejs_gc_duration_seconds_count', {
      kind: 'major',
    });
    const met = lagAtEnd < RATE && percentile(sorted, 99) < 250 && percentile(sorted, 100) < 1000;
    say(
      `target: keeps up with ${fmt(RATE)}/s, p99 < 250 ms and max < 1 s: ${met ? 'met' : 'NOT met'} (${majorGcsDuring(majorGcs)})`,
    );
  } finally {
    for (const app of apps.reverse()) await app.stop();
    await producer.disconnect();
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
    rmSync(rulesDir, { recursive: true, force: true });
    await infra.stop();
  }
}

/**
 * A tail is only as good as the major GCs it went through: marking alerting's windows is what
 * holds evaluation up, so a run without one says nothing about that stall.
 */
function majorGcsDuring(count: number): string {
  if (count > 0) return `${fmt(count)} major GC${count > 1 ? 's' : ''} of alerting during the load`;
  return 'no major GC of alerting fell in this run, so this tail does not include one: run longer';
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

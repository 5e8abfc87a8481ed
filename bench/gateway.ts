/**
 * `npm run bench:gateway`: the gateway's read routes over a large events table.
 *
 *   [1/2] load: --events events (default 10,000,000) over the last --days days, straight into
 *         `events` with one INSERT ... SELECT per million, then their per-minute rollups and
 *         per-minute/hour/day counts computed from them with INSERT ... SELECT ... GROUP BY
 *         (what the consumer's batches would have built), in time order as the consumer
 *         writes them. 50 types; 1,000 sources of very unequal chattiness.
 *   [2/2] load test: the real gateway process; for each route, --concurrency clients send
 *         requests back to back for --seconds; prints p50/p95/max latency and requests/s, and
 *         the CPU time the gateway and PostgreSQL (every process) spent per request: latency
 *         and rate move with whatever else the 2 shared cores run, CPU per request much less.
 *
 *   --events N        events to load (default 10,000,000)
 *   --seconds S       load per route (default 10)
 *   --warmup S        unmeasured load per route before its measured seconds (default 3): the
 *                     gateway's JIT and the connections settle first, as in a service that has
 *                     been running
 *   --concurrency C   concurrent clients (default 8)
 *   --days D          days the events are spread over (default 30; 1,000,000 events over 3
 *                     days are as dense as the default, for quicker runs)
 *   --routes REGEX    only the routes whose name matches
 *   --profile DIR     write the gateway's CPU profile (node --cpu-prof) into DIR
 *   --section S       read (the routes above), ingest (issue 19's four rows: POST /api/events
 *                     with one event per request from 16 clients and with 100 per request,
 *                     GET /api/events?limit=50, GET /api/analytics/summary; and one event per
 *                     request from a single client, a service reporting as it goes; beside a bare kafkajs
 *                     producer's rate and a bare node:http server's, both in the same run), or
 *                     all (default)
 *   --port P          the gateway's HTTP port (default 29410)
 *
 * Target: p95 under 50 ms for the analytics routes. Uses KAFKA_BROKERS / DATABASE_URL when
 * set, else starts its own broker and database. Traffic goes to 127.0.0.1 only.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase, ScratchDatabase } from '../tools/infra/scratch-database';
import { deleteTopicsWithPrefix } from '../tools/infra/scratch-topics';
import { addDays, dayOf, ensureDayPartitions, eventCountRowsSql } from '@app/database';
import { AppProcess } from '../tools/stack/app-process';
import { cpuSplitMeter, CpuSplit, localServerPid, MeasuredProcess } from './process-cpu';
import { repoRoot } from '../tools/stack/repo-root';
import { Topic, topicName } from '@app/contracts';
import { ingestEvent, meanReference, rawProducerReference, RawReference } from './gateway-ingest';
import { LeanHttpClient } from './lean-http-client';
import {
  fmt,
  memoryOf,
  numberOption,
  percentile,
  say,
  sleep,
  startBenchInfrastructure,
  stringOption,
} from './support';

const EVENTS = numberOption('--events', 10_000_000);
const SECONDS = numberOption('--seconds', 10);
const WARMUP_SECONDS = numberOption('--warmup', 3);
const CONCURRENCY = numberOption('--concurrency', 8);
const DAYS = numberOption('--days', 30);
const ROUTES = new RegExp(stringOption('--routes', '.'));
const PROFILE_DIR = stringOption('--profile', '');
const SECTION = stringOption('--section', 'all');
const PORT = numberOption('--port', 29410);
/** The bare node:http server of the ingest section's HTTP reference. */
const BARE_HTTP_PORT = PORT + 1;
const KEY = 'bench-read-key-0123456789';
const INGEST_KEY = 'bench-ingest-key-0123456789';
/** Issue 19's one-event row: 16 clients, where every other row has CONCURRENCY. */
const SINGLE_EVENT_CLIENTS = 16;
const EVENTS_PER_BATCH_REQUEST = 100;
/** Events per send of the bare producer the ingest rows are compared with. */
const RAW_BATCH = 1000;
const CHUNK = 1_000_000;
const TARGET_P95_MS = 50;

/** A partition for each day the events fall in, as the consumer's retention pass makes them. */
async function partitionDays(db: ScratchDatabase, from: number, to: number): Promise<void> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const days: number[] = [];
    for (let day = dayOf(from); day <= to; day = addDays(day, 1)) days.push(day);
    await ensureDayPartitions(client, days);
  } finally {
    await client.end();
  }
}

async function load(db: ScratchDatabase, now: number): Promise<number> {
  const started = Date.now();
  await partitionDays(db, now - DAYS * 86_400_000, now);
  const from = new Date(now - DAYS * 86_400_000).toISOString();
  for (let first = 0; first < EVENTS; first += CHUNK) {
    const last = Math.min(EVENTS, first + CHUNK) - 1;
    // Source index skewed by a 4th power: a few sources send most events, as in real fleets.
    await db.query(
      `INSERT INTO events (id, type, source, severity, occurred_at, value, received_at)
       SELECT gen_random_uuid(),
              'bench.type' || (s % 50),
              'source-' || s,
              (ARRAY['low', 'medium', 'high', 'critical'])[1 + (i % 4)],
              $1::timestamptz + (i::double precision / $3) * $5::interval,
              i % 100,
              now()
         FROM (SELECT i, floor(1000 * power(((i * 7919) % 10007) / 10007.0, 4))::int AS s
                 FROM generate_series($2::bigint, $4::bigint) AS i) AS g`,
      [from, first, EVENTS, last, `${DAYS} days`],
    );
    say(`  ${fmt(last + 1)} events loaded (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  // In time order, as the consumer writes them while events arrive.
  await db.query(
    `INSERT INTO event_rollups_minute
       (bucket, type, source, severity, event_count, value_count, value_sum, value_min, value_max)
     SELECT date_trunc('minute', occurred_at), type, source, severity,
            count(*), count(value), sum(value), min(value), max(value)
       FROM events GROUP BY 1, 2, 3, 4 ORDER BY 1`,
  );
  await db.query(
    `INSERT INTO event_counts (resolution, dimension, bucket, key, event_count)
     ${eventCountRowsSql('event_rollups_minute', 'e.bucket', 'sum(e.event_count)')} ORDER BY 3`,
  );
  for (const table of ['events', 'event_rollups_minute', 'event_counts']) {
    await db.query(`VACUUM ANALYZE ${table}`);
  }
  return (Date.now() - started) / 1000;
}

interface Route {
  name: string;
  /** Which target the route counts for: analytics answers reused, analytics every range new. */
  analytics?: 'same range' | 'new range';
  nextPath: (client: number, previous: unknown) => string;
  /** A POST with this JSON body (made per request), as the ingest key; else a GET. */
  nextBody?: (client: number, n: number) => unknown;
  /** Events one request carries, for the events/s of an ingest row. */
  eventsPerRequest?: number;
  concurrency?: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Each analytics question twice: every client asking about the same range, as dashboards on
 * "the last 24 hours" do (answered once per GATEWAY_ANALYTICS_CACHE_SECONDS, then reused), and
 * every request about a different range, so that no answer is reused whole: only the counts
 * of settled buckets that ranges share are (GATEWAY_ANALYTICS_SETTLED_SECONDS=0 turns that off,
 * for the cost of reading every bucket every time).
 */
function analyticsRoutes(now: number): Route[] {
  const questions: [string, number, (range: string, client: number) => string][] = [
    ['summary, 24 h', DAY_MS, (range) => `summary?${range}`],
    ['summary, 7 days', 7 * DAY_MS, (range) => `summary?${range}`],
    ['severity-distribution, 24 h', DAY_MS, (range) => `severity-distribution?${range}`],
    ['time-series minute, 24 h', DAY_MS, (range) => `time-series?interval=minute&${range}`],
    ['time-series hour, 30 days', 30 * DAY_MS, (range) => `time-series?interval=hour&${range}`],
    [
      'time-series day, 30 days, one type',
      30 * DAY_MS,
      (range, c) => `time-series?interval=day&${range}&type=bench.type${c % 50}`,
    ],
  ];
  // A new range ends at a random minute of the last 2 days and is up to a tenth shorter: so
  // many ranges that two requests almost never ask the same.
  const minuteIndex = (limit: number) => Math.floor(Math.random() * limit) * MINUTE_MS;
  const rangeOf = (kind: Route['analytics'], span: number) => {
    const to = kind === 'same range' ? now : now - (now % MINUTE_MS) - minuteIndex(2 * 24 * 60);
    const from = kind === 'same range' ? to - span : to - span + minuteIndex(span / MINUTE_MS / 10);
    return `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  };
  return (['same range', 'new range'] as const).flatMap((kind) =>
    questions.map(([name, span, path]) => ({
      name: `analytics/${name}, ${kind}`,
      analytics: kind,
      nextPath: (client: number) => `/api/analytics/${path(rangeOf(kind, span), client)}`,
    })),
  );
}

interface RouteResult {
  name: string;
  analytics?: Route['analytics'];
  eventsPerRequest?: number;
  latencies: number[];
  errors: Map<number, number>;
  seconds: number;
  cpu: CpuSplit;
}

/**
 * CONCURRENCY clients, each sending the next request back to back: WARMUP_SECONDS unmeasured,
 * then SECONDS measured.
 */
async function drive(
  base: string,
  route: Route,
  measured: readonly MeasuredProcess[],
): Promise<RouteResult> {
  const { name, analytics, eventsPerRequest } = route;
  const clients = route.concurrency ?? CONCURRENCY;
  const http = new LeanHttpClient(new URL(base), clients);
  try {
    await sendBackToBack(http, route, clients, WARMUP_SECONDS);
    const cpu = cpuSplitMeter(measured);
    const { latencies, errors } = await sendBackToBack(http, route, clients, SECONDS);
    return { name, analytics, eventsPerRequest, latencies, errors, seconds: SECONDS, cpu: cpu() };
  } finally {
    http.close();
  }
}

/** Each of `clients` sends the route's next request as soon as it has its answer, `seconds` long. */
async function sendBackToBack(
  http: LeanHttpClient,
  route: Route,
  clients: number,
  seconds: number,
): Promise<{ latencies: number[]; errors: Map<number, number> }> {
  const { nextPath, nextBody } = route;
  const latencies: number[] = [];
  const errors = new Map<number, number>();
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let previous: unknown;
      for (let n = 0; Date.now() < until; n++) {
        const started = process.hrtime.bigint();
        const path = nextPath(client, previous);
        const response = nextBody
          ? await http.call(
              path,
              { 'x-api-key': INGEST_KEY, 'content-type': 'application/json' },
              JSON.stringify(nextBody(client, n)),
            )
          : await http.call(path, { 'x-api-key': KEY });
        previous = response.body;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (response.status >= 300) {
          errors.set(response.status, (errors.get(response.status) ?? 0) + 1);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, errors };
}

/**
 * The one-event route's requests against a bare node:http server (bare-http-server.ts, its own
 * process, parsing the body and answering 202 with an id, nothing else): the HTTP ceiling that
 * node:http and this load generator leave on these cores now, for the gateway's row to be read
 * against.
 */
async function bareHttpReference(root: string, route: Route): Promise<RouteResult> {
  const server = spawn(
    process.execPath,
    [join(root, 'dist', 'bench', 'bare-http-server.js'), String(BARE_HTTP_PORT)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (data: Buffer) => {
        if (data.toString().includes('listening')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`the bare HTTP server exited (${code})`)));
    });
    return await drive(
      `http://127.0.0.1:${BARE_HTTP_PORT}`,
      {
        ...route,
        name: `bare node:http server, 202 per request, ${route.concurrency} clients`,
        eventsPerRequest: undefined,
      },
      [
        { name: 'server', pid: server.pid },
        { name: 'load generator', pid: process.pid, alone: true },
      ],
    );
  } finally {
    server.kill('SIGTERM');
  }
}

/** `12,000 events/s = 0.25 x raw, `: an ingest row's rate beside the bare producer's. */
function ingestRate(result: RouteResult, raw: RawReference | undefined): string {
  if (!result.eventsPerRequest) return '';
  const perSecond = (result.latencies.length * result.eventsPerRequest) / result.seconds;
  const ratio = raw ? ` = ${(perSecond / raw.eventsPerSecond).toFixed(2)} x raw` : '';
  return `${fmt(perSecond)} events/s${ratio}, `;
}

/** `gateway 1.21 + PostgreSQL 0.43 ms`: CPU per request of each measured process. */
function cpuPerRequest(result: RouteResult): string {
  const requests = result.latencies.length;
  const parts = result.cpu.processes.map(({ name, pid, seconds }) =>
    pid === undefined ? `${name} elsewhere` : `${name} ${((seconds * 1000) / requests).toFixed(2)}`,
  );
  return `CPU/request ${parts.join(' + ')} ms`;
}

async function main(): Promise<void> {
  const root = repoRoot();
  say(`machine: ${cpus().length} cores; gateway, PostgreSQL and the load generator all local`);
  const { infra, kafka, prefix } = await startBenchInfrastructure(root);
  const db = await createScratchDatabase(infra.databaseUrl, 'gateway');
  let gateway: AppProcess | undefined;
  try {
    const now = Date.now();
    say(`\n[1/2] loading ${fmt(EVENTS)} events over ${DAYS} days, then their rollups and counts`);
    const loadSeconds = await load(db, now);
    const [{ n: rollupRows }] = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM event_rollups_minute',
    );
    const [{ n: countRows }] = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM event_counts',
    );

    let ready = false;
    gateway = new AppProcess('gateway', {
      repoRoot: root,
      nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        DATABASE_URL: db.url,
        GATEWAY_PORT: String(PORT),
        HTTP_HOST: '127.0.0.1',
        API_KEYS: `${KEY}=read,${INGEST_KEY}=ingest`,
        GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'log',
      },
      onLine: (line) => {
        if (line.includes('ready: health at')) ready = true;
        else if (/"level":"(error|fatal)"/.test(line)) say(`[gateway] ${line}`);
      },
    });
    gateway.start();
    for (let waited = 0; !ready; waited += 100) {
      if (waited > 120_000) throw new Error('the gateway did not start within 2 minutes');
      await sleep(100);
    }
    const base = `http://127.0.0.1:${PORT}`;
    say(`\n[2/2] ${CONCURRENCY} concurrent clients, ${SECONDS} s per route`);
    const cursorOf = (previous: unknown) =>
      (previous as { nextCursor?: string } | undefined)?.nextCursor;
    const ingestRoutes: Route[] = [
      {
        name: `POST /api/events, 1 event, ${SINGLE_EVENT_CLIENTS} clients`,
        nextPath: () => '/api/events',
        nextBody: ingestEvent,
        eventsPerRequest: 1,
        concurrency: SINGLE_EVENT_CLIENTS,
      },
      {
        name: `POST /api/events, ${EVENTS_PER_BATCH_REQUEST} events`,
        nextPath: () => '/api/events',
        nextBody: (client, n) =>
          Array.from({ length: EVENTS_PER_BATCH_REQUEST }, (_, i) =>
            ingestEvent(client, n * EVENTS_PER_BATCH_REQUEST + i),
          ),
        eventsPerRequest: EVENTS_PER_BATCH_REQUEST,
      },
      { name: 'GET /api/events?limit=50', nextPath: () => '/api/events?limit=50' },
      {
        name: 'GET /api/analytics/summary',
        nextPath: () => '/api/analytics/summary',
      },
      {
        // One service sending its events one by one, each after the last was accepted: what
        // a produce request costs in latency when nothing else shares it.
        name: 'POST /api/events, 1 event, 1 client',
        nextPath: () => '/api/events',
        nextBody: ingestEvent,
        eventsPerRequest: 1,
        concurrency: 1,
      },
    ];
    const readRoutes: Route[] = [
      { name: 'GET /api/events first page', nextPath: () => '/api/events?limit=50' },
      {
        name: 'GET /api/events following nextCursor',
        nextPath: (_, previous) => {
          const cursor = cursorOf(previous);
          return `/api/events?limit=50${cursor ? `&cursor=${cursor}` : ''}`;
        },
      },
      {
        name: 'GET /api/events?type=&severity=',
        nextPath: (c) => `/api/events?type=bench.type${c % 50}&severity=high&limit=50`,
      },
      {
        name: 'GET /api/events/source/:id',
        nextPath: (c) => `/api/events/source/source-${c * 37}?limit=50`,
      },
      ...analyticsRoutes(now),
    ];
    const routes = [
      ...(SECTION === 'read' ? [] : ingestRoutes),
      ...(SECTION === 'ingest' ? [] : readRoutes),
    ];
    const measured: MeasuredProcess[] = [
      { name: 'gateway', pid: gateway.pid },
      { name: 'PostgreSQL', pid: localServerPid(new URL(db.url).host) },
      { name: 'Kafka', pid: localServerPid(infra.kafkaBrokers.split(',')[0]) },
      { name: 'load generator', pid: process.pid, alone: true },
    ];
    // The bare producer half before the routes and half after: on shared cores the load of
    // other work drifts, and the mean of both is nearer to what the routes met than either.
    const measureRaw = () =>
      SECTION === 'read'
        ? undefined
        : rawProducerReference(kafka, topicName(Topic.Events, prefix), SECONDS / 2, RAW_BATCH);
    const rawBefore = await measureRaw();
    const results: RouteResult[] = [];
    for (const route of routes.filter((r) => ROUTES.test(r.name))) {
      results.push(await drive(base, route, measured));
      if (route === ingestRoutes[0]) results.push(await bareHttpReference(root, route));
    }
    // Read before the summary is printed: the gateway still holds every cache it filled.
    const memory = memoryOf(gateway.pid);
    const raw = meanReference(rawBefore, await measureRaw());

    say('\n=== gateway benchmark ===');
    say(
      `events loaded                 ${fmt(EVENTS)} in ${loadSeconds.toFixed(0)} s (${fmt(Number(rollupRows))} rollup rows, ${fmt(Number(countRows))} count rows)`,
    );
    const bare = results.find((r) => r.name.startsWith('bare node:http'));
    for (const r of results) {
      const errors = [...r.errors].map(([status, n]) => `${n} x ${status}`).join(', ');
      const ofBare =
        bare && r.name === ingestRoutes[0].name
          ? ` (= ${(r.latencies.length / bare.latencies.length).toFixed(2)} x bare HTTP)`
          : '';
      say(
        `${r.name.padEnd(58)} p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p95 ${percentile(r.latencies, 95).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms, max ${percentile(r.latencies, 100).toFixed(0)} ms, ${fmt(r.latencies.length / r.seconds)} req/s${ofBare}, ${ingestRate(r, raw)}${cpuPerRequest(r)}${errors ? `, errors: ${errors}` : ''}`,
      );
    }
    if (raw) {
      say(
        `${`raw kafkajs producer, ${fmt(raw.batch)} events per send`.padEnd(58)} ${fmt(raw.eventsPerSecond)} events/s (before the routes ${fmt(rawBefore!.eventsPerSecond)}, after ${fmt(raw.after)}; one send in flight, acks=all, idempotent)`,
      );
    }
    say(
      `gateway memory                peak RSS ${memory.peakMb.toFixed(0)} MiB, at the end ${memory.rssMb.toFixed(0)} MiB`,
    );
    const failed = results.some((r) => r.errors.size > 0);
    for (const kind of ['same range', 'new range'] as const) {
      const asked = results.filter((r) => r.analytics === kind);
      if (asked.length === 0) continue;
      const worst = Math.max(...asked.map((r) => percentile(r.latencies, 95)));
      say(
        `target: analytics p95 < ${TARGET_P95_MS} ms at ${fmt(EVENTS)} events, ${kind}: ${worst < TARGET_P95_MS && !failed ? 'met' : 'NOT met'} (worst p95 ${worst.toFixed(1)} ms)`,
      );
    }
  } finally {
    await gateway?.stop();
    await db.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

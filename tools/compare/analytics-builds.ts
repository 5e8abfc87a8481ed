/**
 * `npm run compare:analytics -- --old <checkout> --new <checkout>`: shows whether two builds
 * give the same gateway analytics answers on the same data (issue 15: "compare before and
 * after on the same data"). One seeded message set goes, byte for byte, to each build's own
 * broker; each build's real consumer stores it into its own database, migrated by its own
 * migrations; then both gateways are asked the same 1,000+ URLs and the stored tables and
 * dead letters are compared row for row. Exits 1 on any difference. `--tamper` checks the
 * tool: it changes one count of the new build's database and must then fail.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { databaseClient } from './database-client';
import { BuildSettings, BuildUnderTest } from './build-under-test';
import { compareInfrastructure } from './compare-infrastructure';
import { compareDeadLetters, readDeadLetters } from './dead-letter-compare';
import { compareGateways } from './http-compare';
import {
  createEventTopics,
  endOffsets,
  publishBacklog,
  publishSends,
  rewindGroup,
} from './kafka-io';
import { buildMessageSet, DAY_MS, dayStart, MessageSet } from './message-set';
import { CompareOptions, parseOptions } from './options';
import { fmt, printDeadLetters, printTables, printUrls, say, writeReport } from './report';
import { SeededRandom } from './seeded-random';
import { compareTable, COMPARED_TABLES, differingRows } from './table-compare';
import { plannedRequests } from './url-plan';

const PARTITIONS = 6;
/** Partitions whose second part the consumer reads again, as after a crash or a rebalance. */
const REWOUND_PARTITIONS = [0, 3];
const REWOUND_SHARE = 0.6;

/**
 * Both builds get these. The old build has no retention and ignores them; the new one would
 * otherwise drop the day partitions of the events 40 days back (EVENTS_RETENTION_DAYS
 * defaults to 30), and the hour and day counts must be kept at least as long.
 */
const RETENTION_ENV = { EVENTS_RETENTION_DAYS: '3650', COUNTS_RETENTION_DAYS: '3650' };

const API_KEY = 'compare-analytics-read-key';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const set = buildMessageSet({
    seed: options.seed,
    events: options.events,
    anchor: options.anchor,
    partitions: PARTITIONS,
    idReuses: options.idReuses,
  });
  describeRun(options, set);

  const infrastructure = await compareInfrastructure(options, say);
  const settings = (
    label: 'old' | 'new',
    dir: string,
    kafka: string,
    port: number,
  ): BuildSettings => ({
    label,
    dir,
    kafkaBrokers: kafka,
    serverUrl: infrastructure.serverUrl,
    runId,
    // The same secret for both: ids of events sent without one are keyed by it.
    eventIdSecret: `compare-${options.seed}-event-id-secret`,
    apiKey: API_KEY,
    consumerPort: port,
    gatewayPort: port + 1,
    extraEnv: RETENTION_ENV,
    drainTimeoutMs: options.drainTimeoutMs,
    log: (line) => say(`[${label}] ${line}`),
  });
  const builds = [
    new BuildUnderTest(
      settings('old', options.oldDir, infrastructure.oldKafka, options.httpPortBase),
    ),
    new BuildUnderTest(
      settings('new', options.newDir, infrastructure.newKafka, options.httpPortBase + 2),
    ),
  ] as const;
  const [oldBuild, newBuild] = builds;
  // Once, whether the run ends or is interrupted (both paths wait for the same cleaning).
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await Promise.all(builds.map((build) => build.stopAll()));
      if (options.keep) {
        say(`databases kept: ${oldBuild.databaseUrl} ${newBuild.databaseUrl}`);
      } else {
        await Promise.all(builds.map((build) => build.dropDatabase().catch(() => undefined)));
      }
      await infrastructure.stop();
    })());
  // The services run in process groups of their own (AppProcess): Ctrl-C reaches only this
  // process, which stops them before it exits instead of leaving them behind.
  const interrupted = () => {
    say('\ninterrupted: stopping the services');
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await Promise.all(builds.map((build) => build.createDatabase()));
    await publishToBoth(builds, set);
    const consumerFailures = (await Promise.all(builds.map((build) => consume(build, set)))).filter(
      (failure): failure is string => failure !== undefined,
    );
    await sameOffsets(builds);
    if (options.tamper) await tamper(newBuild, set);

    const tables = [];
    for (const table of COMPARED_TABLES) {
      tables.push(await compareTable(oldBuild.databaseUrl, newBuild.databaseUrl, table));
    }
    printTables(tables);
    const deadLetters = compareDeadLetters(
      await readDeadLetters(oldBuild.kafka, oldBuild.deadLetterTopic),
      await readDeadLetters(newBuild.kafka, newBuild.deadLetterTopic),
    );
    printDeadLetters(deadLetters);

    await Promise.all(builds.map((build) => build.startGateway()));
    await Promise.all([
      waitForDeadLetterTail(oldBuild, deadLetters.oldRecords),
      waitForDeadLetterTail(newBuild, deadLetters.newRecords),
    ]);
    const requests = plannedRequests({
      windows: set.windows,
      sources: set.sources,
      ids: await idsToAsk(set, builds),
    });
    say(`\nasking both gateways ${fmt(requests.length)} requests (keyset pages followed on top)`);
    const urls = await compareGateways(
      { baseUrl: oldBuild.gatewayUrl, apiKey: API_KEY },
      { baseUrl: newBuild.gatewayUrl, apiKey: API_KEY },
      requests,
    );
    printUrls(urls);
    if (options.reportFile) writeReport(options.reportFile, { tables, deadLetters, urls });

    const sameData =
      tables.every((table) => differingRows(table) === 0) &&
      deadLetters.differing === 0 &&
      urls.differences.length === 0;
    for (const failure of consumerFailures) say(`\n${failure}`);
    const verdict = !sameData
      ? 'DIFFERENCES FOUND'
      : consumerFailures.length > 0
        ? 'identical answers and tables, but a consumer FAILED'
        : 'identical';
    say(
      `\nRESULT: ${verdict}: ${fmt(urls.compared)} URLs (${fmt(urls.identical)} identical, ${fmt(urls.differences.length)} differing), ${tables.length} tables and the dead letters compared, in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    const identical = sameData && consumerFailures.length === 0;
    return identical ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await cleanUp();
  }
}

function describeRun(options: CompareOptions, set: MessageSet): void {
  const commit = (dir: string) => {
    try {
      return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
        encoding: 'utf8',
      }).trim();
    } catch {
      return 'not a git checkout';
    }
  };
  say(`old: ${options.oldDir} (${commit(options.oldDir)})`);
  say(`new: ${options.newDir} (${commit(options.newDir)})`);
  const counts = Object.entries(set.counts)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${fmt(count)}`)
    .join(', ');
  say(
    `message set: seed ${options.seed}, anchor ${new Date(options.anchor).toISOString()}, a backlog of ${fmt(set.messages.length)} messages (${counts}), then ${set.live.sends.length} live sends of ${fmt(set.live.sends.flat().length)} messages`,
  );
  say(
    `both builds run with ${Object.entries(RETENTION_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(
        ' ',
      )}: the new build keeps the events 40 days back (its default, 30, would drop them); the old build has no retention and ignores them`,
  );
  if (options.idReuses > 0) {
    say(
      `${options.idReuses} ids published again with another occurredAt: the new build stores them as other events (docs/events.md#ids), the old one dead-letters them: differences expected`,
    );
  }
}

/** The same messages to both brokers; then the offsets must match message for message. */
async function publishToBoth(builds: readonly BuildUnderTest[], set: MessageSet): Promise<void> {
  const started = Date.now();
  await Promise.all(
    builds.map(async (build) => {
      await createEventTopics(build.kafka, build.topicPrefix, PARTITIONS);
      await publishBacklog(build.kafka, build.eventsTopic, set.messages);
    }),
  );
  const planned = Array<number>(PARTITIONS).fill(0);
  for (const message of set.messages) planned[message.partition]++;
  for (const build of builds) {
    const ends = await endOffsets(build.kafka, build.eventsTopic);
    if (ends.join() !== planned.join()) {
      throw new Error(
        `${build.label}: end offsets ${ends.join()} where ${planned.join()} were sent`,
      );
    }
  }
  say(
    `published ${fmt(set.messages.length)} messages to each broker in ${((Date.now() - started) / 1000).toFixed(1)} s; end offsets per partition ${planned.join(', ')} on both`,
  );
}

/** Milliseconds between two live sends: the consumer has stored one before the next comes. */
const LIVE_PAUSE_MS = 250;

/**
 * The backlog; then the second part of two partitions again (the group rewound while its
 * consumer is stopped), so redelivered offsets meet their stored rows; then live traffic in
 * small batches. Undefined when every step completed, else what went wrong (the comparison
 * goes on with what was stored: a stuck consumer shows in the answers too).
 */
async function consume(build: BuildUnderTest, set: MessageSet): Promise<string | undefined> {
  const step = (text: string) => say(`[${build.label}] ${text}`);
  let doing = 'storing the backlog';
  let livePublished = false;
  try {
    build.startConsumer();
    const first = await build.waitUntilPersisted();
    step(
      `consumer stored the backlog: ${fmt(first.rows)} events, ${fmt(first.deadLetters)} dead letters, in ${first.seconds.toFixed(1)} s`,
    );
    await build.stopConsumer();
    const ends = await endOffsets(build.kafka, build.eventsTopic);
    const rewound = new Map(
      REWOUND_PARTITIONS.map((p) => [p, Math.floor(ends[p] * REWOUND_SHARE)] as const),
    );
    await rewindGroup(build.kafka, build.groupId, build.eventsTopic, rewound);
    const replayed = REWOUND_PARTITIONS.reduce((sum, p) => sum + ends[p] - rewound.get(p)!, 0);
    doing = `reading ${fmt(replayed)} messages of partitions ${REWOUND_PARTITIONS.join(', ')} again`;
    build.startConsumer();
    const again = await build.waitUntilPersisted();
    step(
      `${doing}: ${fmt(again.rows)} events, ${fmt(again.deadLetters)} dead letters after ${again.seconds.toFixed(1)} s`,
    );
    doing = `storing ${fmt(set.live.sends.length)} live sends of 1 to 4 messages`;
    livePublished = true;
    await publishSends(build.kafka, build.eventsTopic, set.live.sends, LIVE_PAUSE_MS);
    const live = await build.waitUntilPersisted();
    step(`${doing}: ${fmt(live.rows)} events, ${fmt(live.deadLetters)} dead letters`);
    return undefined;
  } catch (error) {
    say(`[${build.label}] CONSUMER FAILED ${doing}: ${(error as Error).message}`);
    // The other build's topic gets them: both must hold the same messages at the same offsets.
    if (!livePublished) await publishSends(build.kafka, build.eventsTopic, set.live.sends);
    const reason = (error as Error).message.split('; the consumer')[0];
    return `${build.label} consumer failed ${doing}: ${reason}`;
  } finally {
    await build.stopConsumer();
  }
}

/** Both topics hold the same messages at the same offsets once the live sends are in. */
async function sameOffsets(builds: readonly BuildUnderTest[]): Promise<void> {
  const [a, b] = await Promise.all(
    builds.map((build) => endOffsets(build.kafka, build.eventsTopic)),
  );
  if (a.join() !== b.join())
    throw new Error(`end offsets differ: old ${a.join()}, new ${b.join()}`);
}

/** The check of the tool itself: one count of one day, one higher in the new database. */
async function tamper(build: BuildUnderTest, set: MessageSet): Promise<void> {
  const db = databaseClient(build.databaseUrl);
  await db.connect();
  try {
    const day = new Date(dayStart(set.windows.anchor - DAY_MS)).toISOString();
    const result = await db.query(
      `UPDATE event_counts SET event_count = event_count + 1
        WHERE resolution = 'day' AND dimension = 'severity' AND key = 'low' AND bucket = $1`,
      [day],
    );
    say(
      `--tamper: added 1 to the day count of severity low on ${day} in ${build.label} (${result.rowCount} row)`,
    );
  } finally {
    await db.end();
  }
}

/** The gateway follows events.dlq from its start: its list is complete once it holds them all. */
async function waitForDeadLetterTail(build: BuildUnderTest, expected: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${build.gatewayUrl}/api/dlq?limit=1000`, {
      headers: { 'x-api-key': API_KEY },
    });
    const items = (await response.json()) as unknown[];
    if (items.length >= Math.min(expected, 1000)) return;
    if (Date.now() > deadline) {
      throw new Error(`${build.label} gateway lists ${items.length} of ${expected} dead letters`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Ids asked one by one: sent ones (a sample, the duplicated, conflicting and edge ones), ids
 * each database derived or stored (a sample of both, so a row only one side has is asked
 * too), one nobody stored, one in upper case, and one that is no UUID.
 */
async function idsToAsk(set: MessageSet, builds: readonly BuildUnderTest[]): Promise<string[]> {
  const stored: string[] = [];
  for (const build of builds) {
    const db = databaseClient(build.databaseUrl);
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id::text FROM events WHERE kafka_offset % 997 = 13 ORDER BY id LIMIT 40`,
      );
      stored.push(...rows.map((row) => row.id));
    } finally {
      await db.end();
    }
  }
  const unknown = new SeededRandom(set.options.seed + 1).uuid();
  return [
    ...new Set([
      ...set.ids.sample,
      ...set.ids.conflicts,
      ...set.ids.nearDuplicates,
      ...set.ids.redelivered,
      ...set.ids.reused,
      ...set.ids.edge,
      ...set.live.ids,
      ...stored,
      unknown,
      set.ids.sample[0].toUpperCase(),
      'not-a-uuid',
    ]),
  ];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`compare:analytics failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);

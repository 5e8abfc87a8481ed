import { Admin, Kafka, Producer } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { lifecycleMessages, startAlerting } from '../support/alerting';
import {
  expectedIncidents,
  generateTrace,
  openedIncidents,
  PERIOD_MS,
  Trace,
} from '../support/alerting-trace';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, produce, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { TopicRecorder } from '../support/topic-recorder';

const SEED = 16;
const BURSTS = 8;
/** The burst during which one of three replicas is SIGKILLed, and a new one started. */
const KILLED_DURING = 4;
const GRACE_MS = 500;
const REPLICA_ENV = {
  ALERTING_GRACE_MS: String(GRACE_MS),
  ALERTING_TICK_MS: '200',
  ALERTING_SESSION_TIMEOUT_MS: '6000',
  // Every crossing is an incident here: the per-rule limit is not what is tested.
  ALERTING_MAX_INCIDENTS_PER_RULE_PER_MINUTE: '100000',
};

/**
 * Rules that group by source, by nothing and by a payload path, over sliding and tumbling
 * windows, with >= and <: one generated trace replayed through one replica, then through
 * three (one SIGKILLed in the middle of a burst, and a new one started), must open exactly
 * the incidents the engine's brute-force oracle computes for the trace. Only the repartition
 * topic makes the three replicas agree: each would count the events of its own partitions.
 */
describe('alerting: several replicas through the repartition topic', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let prefix: string;
  let notifications: TopicRecorder;
  const apps: AppHarness[] = [];

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(
      kafka,
      [Topic.Events, Topic.AlertRules, Topic.Notifications, Topic.AlertingRepartition],
      { prefix },
    );
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await notifications.stop();
    await producer.disconnect();
    await admin.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  const groups = () => [
    { groupId: `${prefix}alerting`, topic: topicName(Topic.Events, prefix) },
    {
      groupId: `${prefix}alerting-repartition`,
      topic: topicName(Topic.AlertingRepartition, prefix),
    },
  ];

  function startReplica(): AppHarness {
    const app = startAlerting(prefix, REPLICA_ENV);
    apps.push(app);
    return app;
  }

  /** Both groups have exactly the live replicas as members, and have settled. */
  async function replicasSettled(replicas: number): Promise<void> {
    await eventually(
      async () => {
        const described = await admin.describeGroups(groups().map((g) => g.groupId));
        expect(described.groups.map((g) => [g.state, g.members.length])).toEqual(
          groups().map(() => ['Stable', replicas]),
        );
      },
      { timeoutMs: 60_000 },
    );
  }

  /**
   * Everything on the topic is evaluated: the group committed the end of every partition that
   * has records (a commit follows the incidents, and for events the forwarded matches).
   */
  async function evaluated({ groupId, topic }: { groupId: string; topic: string }) {
    await eventually(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const ends = await admin.fetchTopicOffsets(topic);
        const behind = ends
          .filter(({ high }) => high !== '0')
          .filter(({ partition, high }) => {
            const commit = committed.partitions.find((p) => p.partition === partition);
            return commit?.offset !== high;
          });
        expect({ topic, behind }).toEqual({ topic, behind: [] });
      },
      { timeoutMs: 60_000 },
    );
  }

  /** Events first: their evaluation forwards the matches the repartition group evaluates. */
  async function allEvaluated(): Promise<void> {
    for (const group of groups()) await evaluated(group);
  }

  const publishEvents = (trace: Trace, events: Trace['bursts'][number]) => {
    // Events ahead of the wall clock (minus the grace) are evaluated before any tick reaches
    // their windows: publishing must be over before the trace begins.
    if (Date.now() > trace.base - 1000) {
      throw new Error(
        `publishing took too long: the trace began ${Date.now() - trace.base} ms ago`,
      );
    }
    return produce(
      producer,
      topicName(Topic.Events, prefix),
      events.map((e) => e.message),
    );
  };

  /**
   * Starts `replicas`, lays the trace out `leadMs` ahead (room to publish it), publishes its
   * rules and then its bursts one by one, each evaluated before the next (a burst's events
   * would be late behind the next burst's). `killDuring`: that burst is published half before
   * and half after one replica is SIGKILLed and a new one started.
   */
  async function replay(replicas: number, leadMs: number, killDuring?: number): Promise<Trace> {
    for (let i = 0; i < replicas; i++) startReplica();
    await Promise.all(apps.map((app) => baseUrlOf(app)));
    await replicasSettled(replicas);
    const trace = generateTrace(
      SEED,
      Math.ceil((Date.now() + leadMs) / PERIOD_MS) * PERIOD_MS,
      BURSTS,
    );
    await produce(producer, topicName(Topic.AlertRules, prefix), trace.ruleRecords);
    for (const app of apps) {
      const url = await baseUrlOf(app);
      await eventually(async () =>
        expect(await scrapeMetric(url, 'eventmon_alerting_rules_loaded')).toBe(trace.rules.length),
      );
    }
    for (const [index, burst] of trace.bursts.entries()) {
      if (index === killDuring) {
        const half = Math.ceil(burst.length / 2);
        await publishEvents(trace, burst.slice(0, half));
        await apps[1].kill();
        startReplica();
        await publishEvents(trace, burst.slice(half));
        await replicasSettled(replicas);
      } else {
        await publishEvents(trace, burst);
      }
      await allEvaluated();
    }
    // The wall clock, minus the grace, moves every window past the trace; a few ticks more.
    await new Promise((resolve) => setTimeout(resolve, trace.end + GRACE_MS + 1500 - Date.now()));
    return trace;
  }

  async function expectOracleIncidents(trace: Trace): Promise<void> {
    const expected = expectedIncidents(trace, GRACE_MS);
    const opened = () => openedIncidents(trace, lifecycleMessages(notifications));
    const summary = (places: string[]) => ({ incidents: places.length, places });
    await eventually(() => expect(summary(opened())).toEqual(summary(expected)), {
      timeoutMs: 15_000,
    });
    // Nothing more comes: every window is past the trace.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(summary(opened())).toEqual(summary(expected));
    const all: LifecycleMessage[] = lifecycleMessages(notifications);
    expect(all.filter((m) => m.kind === 'incidents.suppressed')).toEqual([]);
    const ids = all.filter((m) => m.kind === 'incident.opened').map((m) => m.incident.id);
    expect(new Set(ids).size).toBe(ids.length);
  }

  it('opens the incidents the oracle computes with one replica', async () => {
    const trace = await replay(1, 20_000);
    await expectOracleIncidents(trace);
  }, 180_000);

  it('opens the same incidents with three replicas, one SIGKILLed and replaced in the middle of a burst', async () => {
    const trace = await replay(3, 45_000, KILLED_DURING);
    await expectOracleIncidents(trace);
    const forwarded = await Promise.all(
      apps
        .filter((app) => app.running)
        .map(async (app) =>
          scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_forwarded_matches_total'),
        ),
    );
    expect(forwarded.some((count) => count > 0)).toBe(true);
  }, 240_000);
});

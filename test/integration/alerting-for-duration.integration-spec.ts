import { Kafka, Producer } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import {
  incidentsOf,
  liveEvent,
  ruleRecord,
  startAlerting as startAlertingProcess,
} from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, produce, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { TopicRecorder } from '../support/topic-recorder';

/**
 * `forSeconds` against the real broker: an incident opens only once the condition has held
 * that long, a condition that clears first opens nothing, the pending gauge shows the wait,
 * and a SIGKILL while a key is pending neither restarts its wait nor opens it twice.
 */
describe('alerting: forSeconds (pending before an incident opens)', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let notifications: TopicRecorder;
  const apps: AppHarness[] = [];
  /**
   * How late after condition + forSeconds an incident may open: the grace (500 ms) and the
   * tick (200 ms) of the test settings, plus this shared machine's processing and publishing.
   */
  const LATENESS_MS = 5000;

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(kafka, [Topic.Events, Topic.AlertRules, Topic.Notifications], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await notifications.stop();
    await producer.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  async function startAlerting(): Promise<AppHarness> {
    const app = startAlertingProcess(prefix);
    apps.push(app);
    await baseUrlOf(app);
    await eventually(() => expect(app.output()).toMatch(/windows ready/), { timeoutMs: 60000 });
    return app;
  }

  const publishRules = (...rules: Array<Record<string, unknown> & { id: string }>) =>
    produce(producer, topicName(Topic.AlertRules, prefix), rules.map(ruleRecord));
  const publishEvents = (...events: ReturnType<typeof liveEvent>[]) =>
    produce(producer, topicName(Topic.Events, prefix), events);
  const pendingKeys = async (app: AppHarness, rule: string) =>
    scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_pending_keys', { rule });
  const opened = (rule: string): LifecycleMessage[] =>
    incidentsOf(notifications, 'incident.opened', rule);
  /** Three app.crash events from one source, now: the condition holds from the third. */
  const crossing = (source: string) => {
    const at = new Date();
    return {
      at: at.getTime(),
      events: [1, 2, 3].map(() => liveEvent('app.crash', source, { occurredAt: at })),
    };
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function committedEvents(groupId: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId,
        topics: [topicName(Topic.Events, prefix)],
      });
      return offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('opens the incident forSeconds after the condition began to hold; one that clears first opens nothing', async () => {
    const FOR_S = 20;
    await publishRules(
      {
        id: 'held',
        match: { types: ['app.crash'], sources: ['svc-held'] },
        window: { kind: 'sliding', seconds: 120 },
        condition: { operator: '>=', threshold: 3 },
        forSeconds: FOR_S,
      },
      {
        // Holds for 5 s only: the events leave the window long before forSeconds is over.
        id: 'brief',
        match: { types: ['app.crash'], sources: ['svc-brief'] },
        window: { kind: 'sliding', seconds: 5 },
        condition: { operator: '>=', threshold: 3 },
        forSeconds: FOR_S,
      },
    );
    const app = await startAlerting();
    await eventually(async () => expect(await pendingKeys(app, 'held')).toBe(0), {
      timeoutMs: 10000,
    });
    const held = crossing('svc-held');
    const brief = crossing('svc-brief');
    await publishEvents(...held.events, ...brief.events);

    await eventually(
      async () => {
        expect(await pendingKeys(app, 'held')).toBe(1);
        expect(await pendingKeys(app, 'brief')).toBe(1);
      },
      { timeoutMs: 4000 },
    );
    expect(opened('held')).toHaveLength(0);
    // The brief condition clears when its events leave the 5 s window: no longer pending.
    await eventually(async () => expect(await pendingKeys(app, 'brief')).toBe(0), {
      timeoutMs: 5000 + LATENESS_MS,
    });
    expect(await pendingKeys(app, 'held')).toBe(1);

    const incident = await eventually(
      () => {
        expect(opened('held')).toHaveLength(1);
        return opened('held')[0].incident;
      },
      { timeoutMs: FOR_S * 1000 + LATENESS_MS },
    );
    const delayMs = Date.parse(incident.openedAt) - held.at;
    console.log(`forSeconds ${FOR_S}: incident opened ${delayMs} ms after the crossing`);
    expect(delayMs).toBeGreaterThanOrEqual(FOR_S * 1000);
    expect(delayMs).toBeLessThanOrEqual(FOR_S * 1000 + LATENESS_MS);
    expect(incident.eventIds).toHaveLength(3);
    expect(await pendingKeys(app, 'held')).toBe(0);
    // The brief rule's would-be firing time is past too: it opened nothing.
    expect(Date.now()).toBeGreaterThan(brief.at + FOR_S * 1000);
    expect(opened('brief')).toHaveLength(0);
  });

  it('SIGKILLed while a key is pending: after the restart the incident opens once, on the original schedule', async () => {
    const FOR_S = 40;
    await publishRules({
      id: 'survives',
      match: { types: ['app.crash'] },
      window: { kind: 'sliding', seconds: 120 },
      condition: { operator: '>=', threshold: 3 },
      forSeconds: FOR_S,
    });
    const group = `${prefix}alerting`;
    const first = await startAlerting();
    const held = crossing('svc');
    await publishEvents(...held.events);
    await eventually(
      async () => {
        expect(await committedEvents(group)).toBe(3);
        expect(await pendingKeys(first, 'survives')).toBe(1);
      },
      { timeoutMs: 10000 },
    );
    await first.kill();
    const killedAfterMs = Date.now() - held.at;

    const second = await startAlerting();
    const readyAfterMs = Date.now() - held.at;
    // The restart must leave time to show the wait was not started over.
    expect(readyAfterMs).toBeLessThan(FOR_S * 1000 - 5000);
    expect(await pendingKeys(second, 'survives')).toBe(1);
    expect(opened('survives')).toHaveLength(0);

    const incident = await eventually(
      () => {
        expect(opened('survives')).toHaveLength(1);
        return opened('survives')[0].incident;
      },
      { timeoutMs: FOR_S * 1000 + LATENESS_MS },
    );
    const delayMs = Date.parse(incident.openedAt) - held.at;
    console.log(
      `forSeconds ${FOR_S}, killed ${killedAfterMs} ms and ready again ${readyAfterMs} ms after the crossing: incident opened ${delayMs} ms after it`,
    );
    expect(delayMs).toBeGreaterThanOrEqual(FOR_S * 1000);
    expect(delayMs).toBeLessThanOrEqual(FOR_S * 1000 + LATENESS_MS);
    // Not a second time: a few ticks later there is still exactly one.
    await sleep(3000);
    expect(opened('survives')).toHaveLength(1);
    expect(await pendingKeys(second, 'survives')).toBe(0);
  });
});

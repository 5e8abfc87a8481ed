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
 * The alerting service against the real broker: rules from the compacted topic, events in,
 * incidents out on `notifications`, live rule changes, silence detection, and the
 * restart-in-the-middle-of-a-window guarantee.
 */
describe('alerting: rules, windows and incidents', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let notifications: TopicRecorder;
  const apps: AppHarness[] = [];
  /** How long a crossing may take to become an incident once its events are sent (this machine). */
  const INCIDENT_BOUND = { timeoutMs: 10000 };
  /** The rule's `count`-th incident.opened, once there are exactly `count`, within the bound. */
  const openedWithinBound = (ruleId: string, count = 1) =>
    eventually(() => {
      const found = incidentsOf(notifications, 'incident.opened', ruleId);
      expect(found).toHaveLength(count);
      return found[count - 1];
    }, INCIDENT_BOUND);
  /** Three app.crash events within 60 s, per source. */
  const crashRule = (id: string, fields: Record<string, unknown> = {}) => ({
    id,
    match: { types: ['app.crash'] },
    window: { kind: 'sliding', seconds: 60 },
    condition: { operator: '>=', threshold: 3 },
    ...fields,
  });
  const idsOf = (messages: ReturnType<typeof liveEvent>[]) =>
    messages.map((m) => (JSON.parse(String(m.value)) as { id: string }).id).sort();

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

  async function startAlerting(env: Record<string, string> = {}): Promise<AppHarness> {
    const app = startAlertingProcess(prefix, env);
    apps.push(app);
    await baseUrlOf(app);
    await eventually(() => expect(app.output()).toMatch(/windows ready/), { timeoutMs: 60000 });
    return app;
  }

  const publishRules = (...rules: Array<Record<string, unknown> & { id: string }>) =>
    produce(producer, topicName(Topic.AlertRules, prefix), rules.map(ruleRecord));
  const deleteRule = (id: string) =>
    producer.send({
      topic: topicName(Topic.AlertRules, prefix),
      messages: [{ key: id, value: null }],
    });
  const publishEvents = (...events: ReturnType<typeof liveEvent>[]) =>
    produce(producer, topicName(Topic.Events, prefix), events);

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

  async function rulesLoaded(app: AppHarness): Promise<number> {
    return scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_rules_loaded');
  }

  it('turns a rule from alert-rules and events from events into one incident per crossing', async () => {
    const app = await startAlerting();
    await publishRules({
      id: 'payments',
      name: 'Payment exceptions per client',
      match: { types: ['payment.*'], minSeverity: 'medium' },
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 3 },
      severity: 'high',
      cooldownSeconds: 300,
    });
    // Right after the rule, not once it is applied: events that reach alerting first count too.
    const crossing = [1, 2, 3].map(() => liveEvent('payment.exception', 'client-a'));
    await publishEvents(
      ...crossing,
      liveEvent('payment.exception', 'client-b'),
      liveEvent('payment.exception', 'client-b'),
      liveEvent('login.failure', 'client-b'),
      liveEvent('payment.exception', 'client-a'),
    );
    const opened = await eventually(() => {
      const found = incidentsOf(notifications, 'incident.opened');
      expect(found).toHaveLength(1);
      return found[0];
    }, INCIDENT_BOUND);
    const ids = crossing.map((m) => (JSON.parse(String(m.value)) as { id: string }).id);
    expect(opened.incident).toEqual(
      expect.objectContaining({
        ruleId: 'payments',
        ruleName: 'Payment exceptions per client',
        groupKey: 'client-a',
        severity: 'high',
        status: 'open',
        value: 3,
        operator: '>=',
        threshold: 3,
        aggregate: 'count',
        windowKind: 'sliding',
        windowSeconds: 60,
      }),
    );
    expect([...opened.incident.eventIds].sort()).toEqual([...ids].sort());
    expect(Date.parse(opened.incident.windowEnd) - Date.parse(opened.incident.windowStart)).toBe(
      60000,
    );
    expect(notifications.messages[0].key?.toString()).toBe(opened.incident.id);

    // The fourth event for client-a and the further ones produce nothing new: the incident is open.
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(7));
    await publishEvents(
      liveEvent('payment.exception', 'client-a'),
      liveEvent('payment.exception', 'client-b'),
    );
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(9));
    const second = await eventually(() => {
      // client-b reached 3 with the last event: its own incident.
      const found = incidentsOf(notifications, 'incident.opened');
      expect(found).toHaveLength(2);
      return found[1];
    }, INCIDENT_BOUND);
    expect(second.incident.groupKey).toBe('client-b');
    expect(await scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_active_incidents')).toBe(2);
  });

  it('caps the keys of a rule and the incidents it opens per minute, with one notice', async () => {
    const app = await startAlerting({
      ALERTING_MAX_KEYS_PER_RULE: '30',
      ALERTING_MAX_INCIDENTS_PER_RULE_PER_MINUTE: '5',
    });
    await publishRules({
      id: 'storm',
      name: 'Any failure per source',
      match: { types: ['login.failure'] },
      window: { kind: 'sliding', seconds: 10 },
      condition: { aggregate: 'count', operator: '>=', threshold: 1 },
    });
    await eventually(async () => expect(await rulesLoaded(app)).toBe(1));
    // The per-minute count starts afresh at each wall-clock minute: keep the burst inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));

    // An ingest key inventing a source per event: 50 keys, one incident each if nothing stopped it.
    await publishEvents(
      ...Array.from({ length: 50 }, (_, i) => liveEvent('login.failure', `fresh-${i}`)),
    );
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(50));
    const url = await baseUrlOf(app);
    const metric = (name: string) => scrapeMetric(url, name, { rule: 'storm' });
    expect(await metric('eventmon_alerting_keys_refused_total')).toBe(20);
    expect(await metric('eventmon_alerting_rule_keys')).toBe(30);
    expect(await metric('eventmon_alerting_incidents_rate_limited_total')).toBe(25);
    const notices = await eventually(() => {
      expect(incidentsOf(notifications, 'incident.opened', 'storm')).toHaveLength(5);
      const found = incidentsOf(notifications, 'incidents.suppressed', 'storm');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(notices[0].summary).toMatch(
      /^more than 5 incidents opened within a minute; further ones are not opened until /,
    );
    expect(notices[0].incident).toMatchObject({
      ruleId: 'storm',
      groupKey: '',
      channels: [{ type: 'console' }],
    });
    expect(app.output()).toMatch(/rule storm tracks 30 group keys \(ALERTING_MAX_KEYS_PER_RULE\)/);

    // Once their windows are empty, every key goes: the storm leaves no state behind.
    await eventually(
      async () => expect(await metric('eventmon_alerting_keys_evicted_total')).toBe(30),
      {
        timeoutMs: 30_000,
      },
    );
    expect(await metric('eventmon_alerting_rule_keys')).toBe(0);
    expect(incidentsOf(notifications, 'incident.opened', 'storm')).toHaveLength(5);
    expect(incidentsOf(notifications, 'incidents.suppressed', 'storm')).toHaveLength(1);
  });

  it('fires a "fewer than" rule when events stop, and resolves it when they come back', async () => {
    await startAlerting();
    await publishRules({
      id: 'heartbeat',
      match: { types: ['host.heartbeat'] },
      window: { kind: 'sliding', seconds: 3 },
      condition: { aggregate: 'count', operator: '<', threshold: 1 },
      autoResolve: true,
    });
    // A little after the rule: it must have been applied before the first heartbeat.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lastBeat = Date.now();
    await publishEvents(liveEvent('host.heartbeat', 'host-1'));
    const opened = await eventually(
      () => {
        const found = incidentsOf(notifications, 'incident.opened', 'heartbeat');
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeoutMs: 20000 },
    );
    expect(opened.incident.groupKey).toBe('host-1');
    expect(opened.incident.value).toBe(0);
    // Not before the window (3 s) and the grace period (0.5 s) had passed since the heartbeat.
    expect(Date.parse(opened.at) - lastBeat).toBeGreaterThanOrEqual(3000);

    await publishEvents(liveEvent('host.heartbeat', 'host-1'));
    const resolved = await eventually(() => {
      const found = incidentsOf(notifications, 'incident.resolved', 'heartbeat');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(resolved.incident).toEqual(
      expect.objectContaining({
        id: opened.incident.id,
        status: 'resolved',
        resolvedBy: 'alerting',
      }),
    );
  });

  it('applies a rule update and a rule deletion without a restart', async () => {
    const app = await startAlerting();
    const base = {
      id: 'logins',
      match: { types: ['login.failure'] },
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 100 },
    };
    const sentinel = {
      id: 'sentinel',
      match: { types: ['sentinel'] },
      window: { seconds: 60 },
      condition: { operator: '>=', threshold: 1 },
    };
    await publishRules(base, sentinel);
    await eventually(async () => expect(await rulesLoaded(app)).toBe(2));
    await publishEvents(...[1, 2].map(() => liveEvent('login.failure', 'web')));
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(2));
    expect(incidentsOf(notifications, 'incident.opened')).toHaveLength(0);

    // Lower the threshold: it counts from the change, so the next two failures fire under the
    // new definition, sent right after it.
    await publishRules({
      ...base,
      name: 'Login failures',
      condition: { operator: '>=', threshold: 2 },
      activeFrom: new Date().toISOString(),
    });
    const next = [1, 2].map(() => liveEvent('login.failure', 'web'));
    await publishEvents(...next);
    const opened = await openedWithinBound('logins');
    expect(opened.incident).toEqual(
      expect.objectContaining({ ruleName: 'Login failures', threshold: 2, groupKey: 'web' }),
    );
    expect([...opened.incident.eventIds].sort()).toEqual(idsOf(next));

    // Delete it: failures from another source no longer fire, while the sentinel still does.
    await deleteRule('logins');
    await eventually(async () => expect(await rulesLoaded(app)).toBe(1));
    await publishEvents(
      ...[1, 2, 3].map(() => liveEvent('login.failure', 'mobile')),
      liveEvent('sentinel', 's'),
    );
    await eventually(
      () => expect(incidentsOf(notifications, 'incident.opened', 'sentinel')).toHaveLength(1),
      INCIDENT_BOUND,
    );
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(8));
    expect(incidentsOf(notifications, 'incident.opened', 'logins')).toHaveLength(1);
  });

  it('yields exactly one incident when killed in the middle of a window, and none again after a restart', async () => {
    await publishRules({
      id: 'bursts',
      match: { types: ['app.error'] },
      window: { kind: 'sliding', seconds: 120 },
      condition: { operator: '>=', threshold: 10 },
      cooldownSeconds: 0,
    });
    const group = `${prefix}alerting`;
    const first = await startAlerting();
    await publishEvents(...Array.from({ length: 6 }, () => liveEvent('app.error', 'svc')));
    await eventually(async () => expect(await committedEvents(group)).toBe(6));
    await first.kill();

    // The new process replays the 6 from Kafka before evaluating, so 4 more cross 10.
    const second = await startAlerting();
    expect(second.output()).toMatch(/windows ready/);
    await publishEvents(...Array.from({ length: 4 }, () => liveEvent('app.error', 'svc')));
    const opened = await openedWithinBound('bursts');
    expect(opened.incident.value).toBe(10);
    expect(opened.incident.eventIds).toHaveLength(10);
    await eventually(async () => expect(await committedEvents(group)).toBe(10));

    // Killed again after the incident: the replay crosses 10 again, silently, and the ledger
    // knows the incident is open, so later events add nothing.
    await second.kill();
    const third = await startAlerting();
    await publishEvents(...Array.from({ length: 3 }, () => liveEvent('app.error', 'svc')));
    await eventually(async () => expect(await committedEvents(group)).toBe(13));
    expect(
      await scrapeMetric(await baseUrlOf(third), 'eventmon_alerting_rebuild_replayed_events_total'),
    ).toBe(10);
    expect(incidentsOf(notifications, 'incident.opened', 'bursts')).toHaveLength(1);
    const all: LifecycleMessage[] = incidentsOf(notifications, 'incident.opened');
    expect(all.map((m) => m.incident.id)).toEqual([opened.incident.id]);
  });

  it('survives a rebalance: the survivor rebuilds the lost partitions and every crossing yields one incident', async () => {
    await publishRules({
      id: 'spread',
      match: { types: ['app.error'] },
      window: { kind: 'sliding', seconds: 120 },
      condition: { operator: '>=', threshold: 5 },
    });
    const group = `${prefix}alerting`;
    const first = await startAlerting();
    const second = await startAlerting();
    // Both members own partitions once the group settles.
    await eventually(() => {
      for (const app of [first, second]) {
        const assignments = app.output().match(/partitions \[[^\]]*\] assigned/g) ?? [];
        expect(assignments[assignments.length - 1]).toMatch(/partitions \[\d/);
      }
    });
    await eventually(() => expect(second.output()).toMatch(/windows ready/));
    const sources = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
    const burst = (count: number) =>
      publishEvents(
        ...sources.flatMap((source) =>
          Array.from({ length: count }, () => liveEvent('app.error', source)),
        ),
      );
    await burst(3);
    await eventually(async () => expect(await committedEvents(group)).toBe(36));

    // One member dies mid-window; the other takes its partitions and replays their events.
    await first.kill();
    await eventually(
      () => expect(second.output().match(/windows ready/g)?.length ?? 0).toBeGreaterThanOrEqual(2),
      { timeoutMs: 60000 },
    );
    await burst(2);
    await eventually(
      () =>
        expect(incidentsOf(notifications, 'incident.opened', 'spread')).toHaveLength(
          sources.length,
        ),
      INCIDENT_BOUND,
    );
    await eventually(async () => expect(await committedEvents(group)).toBe(60));
    const opened = incidentsOf(notifications, 'incident.opened', 'spread');
    expect(opened.map((m) => m.incident.groupKey).sort()).toEqual([...sources].sort());
    expect(opened.every((m) => m.incident.value === 5)).toBe(true);
  });

  it('opens an incident for events already on the topic when a brand-new group starts', async () => {
    await publishRules(crashRule('early'));
    const crossing = [1, 2, 3].map(() => liveEvent('app.crash', 'svc'));
    await publishEvents(...crossing);
    // The group has never committed: nothing was evaluated before, so nothing replays silently.
    await startAlerting();
    const opened = await openedWithinBound('early');
    expect([...opened.incident.eventIds].sort()).toEqual(idsOf(crossing));
  });

  it('evaluates a rule that arrived while alerting was down with notifications on the replayed events', async () => {
    const group = `${prefix}alerting`;
    const first = await startAlerting();
    const crossing = [1, 2, 3].map(() => liveEvent('app.crash', 'svc'));
    await publishEvents(...crossing);
    await eventually(async () => expect(await committedEvents(group)).toBe(3));
    await first.kill();
    // The group evaluated these events before, but never under this rule.
    await publishRules(crashRule('newcomer'));
    await startAlerting();
    const opened = await openedWithinBound('newcomer');
    expect([...opened.incident.eventIds].sort()).toEqual(idsOf(crossing));
  });

  it("counts the events that reached alerting before the rule, from the rule's activation on", async () => {
    await startAlerting();
    const activeFrom = new Date(Date.now() - 2000);
    const before = [1, 2].map(() =>
      liveEvent('app.crash', 'svc', { occurredAt: new Date(activeFrom.getTime() - 1000) }),
    );
    const after = [1, 2, 3].map(() => liveEvent('app.crash', 'svc'));
    await publishEvents(...before, ...after);
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(5));
    await publishRules(crashRule('late-rule', { activeFrom: activeFrom.toISOString() }));
    const opened = await openedWithinBound('late-rule');
    // Only the three events at or after the activation count; the two before never do.
    expect(opened.incident.value).toBe(3);
    expect([...opened.incident.eventIds].sort()).toEqual(idsOf(after));
  });

  it('starts a rule changed while its condition is true over from the change', async () => {
    const app = await startAlerting();
    const rule = crashRule('changed', { activeFrom: new Date().toISOString() });
    await publishRules(rule);
    await eventually(async () => expect(await rulesLoaded(app)).toBe(1));
    await publishEvents(...[1, 2, 3].map(() => liveEvent('app.crash', 'svc')));
    const first = await openedWithinBound('changed');

    // A lower threshold while the condition holds: the rule counts from the change on, so the
    // old incident resolves and the two events sent right after the change open a new one.
    await publishRules({
      ...rule,
      condition: { operator: '>=', threshold: 2 },
      activeFrom: new Date().toISOString(),
    });
    const crossing = [1, 2].map(() => liveEvent('app.crash', 'svc'));
    await publishEvents(...crossing);
    const second = await openedWithinBound('changed', 2);
    expect(second.incident).toEqual(expect.objectContaining({ value: 2, threshold: 2 }));
    expect([...second.incident.eventIds].sort()).toEqual(idsOf(crossing));
    const resolved = incidentsOf(notifications, 'incident.resolved', 'changed');
    expect(resolved.map((m) => m.incident.id)).toEqual([first.incident.id]);
  });

  it('honours a manual resolution published by the gateway: the incident stays resolved while the condition holds', async () => {
    const app = await startAlerting();
    await publishRules({
      id: 'disk',
      match: { types: ['host.disk.usage'] },
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'max', operator: '>', threshold: 90 },
      cooldownSeconds: 3600,
    });
    await publishEvents(liveEvent('host.disk.usage', 'db-1', { value: 95 }));
    const opened = await openedWithinBound('disk');
    expect(opened.incident.value).toBe(95);
    const now = new Date().toISOString();
    const resolvedByHand: LifecycleMessage = {
      kind: 'incident.resolved',
      at: now,
      actor: 'alice',
      incident: { ...opened.incident, status: 'resolved', resolvedAt: now, resolvedBy: 'alice' },
    };
    await producer.send({
      topic: topicName(Topic.Notifications, prefix),
      messages: [{ key: opened.incident.id, value: JSON.stringify(resolvedByHand) }],
    });
    await eventually(async () =>
      expect(await scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_active_incidents')).toBe(
        0,
      ),
    );
    // The condition still holds (max 97 > 90): no new incident, no second resolution.
    await publishEvents(
      liveEvent('host.disk.usage', 'db-1', { value: 50 }),
      liveEvent('host.disk.usage', 'db-1', { value: 97 }),
    );
    await eventually(async () => expect(await committedEvents(`${prefix}alerting`)).toBe(3));
    expect(incidentsOf(notifications, 'incident.opened', 'disk')).toHaveLength(1);
    expect(incidentsOf(notifications, 'incident.resolved', 'disk')).toHaveLength(1);
  });
});

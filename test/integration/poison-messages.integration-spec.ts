import { Kafka, Message, Producer } from 'kafkajs';
import {
  DeadLetterHeader,
  forwardedMatchPartition,
  LifecycleMessage,
  Topic,
  topicName,
} from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { incidentsOf, liveEvent, ruleRecord, startAlerting } from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { BAD_EVENTS, BadEvent } from '../support/bad-events';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { idOf, v1Event } from '../support/events';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import {
  deleteTopicsWithPrefix,
  headerText,
  produce,
  readTopic,
  ReadMessage,
  setMaxMessageBytes,
  testKafka,
} from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { lifecycle, lifecycleRecord, openIncident } from '../support/notifications';
import { TopicRecorder } from '../support/topic-recorder';

const DEPTH = 5000;
const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"k":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** events.dlq is lowered below the largest poison so its dead letter has to be truncated. */
const EVENTS_DLQ_MAX_BYTES = 400_000;
const MAX_MESSAGE_BYTES = 256 * 1024; // EVENT_MAX_MESSAGE_BYTES default

/**
 * Hostile messages on every topic the services read, published between good ones on the same
 * key (one partition, so they truly interleave), with the real consumer, alerting and gateway
 * running: every good message is used, every poison one is dead-lettered (consumer) or
 * skipped and counted (alerting), and every service is still up and healthy afterwards.
 */
describe('poison messages', () => {
  const prefix = `it-${uniqueSuffix()}-`;
  let kafka: Kafka;
  let producer: Producer;
  let db: ScratchDatabase;
  let consumer: AppHarness;
  let alerting: AppHarness;
  let gateway: RunningGateway;
  let notifications: TopicRecorder;
  const urls = { consumer: '', alerting: '' };

  beforeAll(async () => {
    kafka = testKafka();
    // Every topic: each service is fed poison on the topics it reads.
    await ensureTopics(kafka, Object.values(Topic), { prefix });
    await setMaxMessageBytes(kafka, topicName(Topic.EventsDlq, prefix), EVENTS_DLQ_MAX_BYTES);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
    db = await createScratchDatabase('poison');
    consumer = startConsumer(prefix, db.url);
    alerting = startAlerting(prefix);
    gateway = await startGateway(prefix, db.url);
    urls.consumer = await baseUrlOf(consumer);
    urls.alerting = await baseUrlOf(alerting);
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/));
    // Alerting's groups start at the end of their topics: wait until they own the partitions.
    await expectGroupsStable([
      `${prefix}alerting`,
      `${prefix}alerting-repartition`,
      `${prefix}dispatch`,
      `${prefix}consumer`,
    ]);
  });

  afterAll(async () => {
    await Promise.all([consumer?.stop(), alerting?.stop(), gateway?.app.stop()]);
    await notifications?.stop();
    await producer?.disconnect();
    await db?.drop();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  afterEach(async () => {
    await expectAllHealthy();
  });

  async function expectGroupsStable(groupIds: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const { groups } = await admin.describeGroups(groupIds);
        expect(groups.map((g) => g.state)).toEqual(groupIds.map(() => 'Stable'));
      });
    } finally {
      await admin.disconnect();
    }
  }

  async function expectAllHealthy(): Promise<void> {
    const services = [
      ['consumer', consumer, urls.consumer],
      ['alerting', alerting, urls.alerting],
      ['gateway', gateway.app, gateway.url],
    ] as const;
    for (const [name, app, url] of services) {
      expect({ name, running: app.running }).toEqual({ name, running: true });
      const health = await fetch(`${url}/health`);
      expect({ name, status: health.status }).toEqual({ name, status: 200 });
    }
    expect(consumer.output()).not.toMatch(/crashed/);
    expect(alerting.output()).not.toMatch(/crashed/);
  }

  /** A counter's current value; 0 while it has never been incremented (not yet exposed). */
  const counter = (url: string, name: string, labels: Record<string, string> = {}) =>
    scrapeMetric(url, name, labels).catch(() => 0);

  /**
   * Publishes good and bad alternately on one key, each tagged with an x-trace header, one
   * message per request: the producer would put a whole chunk in one record batch, and the
   * largest poison messages together are over the topic's max.message.bytes.
   */
  async function interleave(topic: Topic, good: Message[], bad: Array<Buffer | null>) {
    const messages: Message[] = [];
    for (let i = 0; i < Math.max(good.length, bad.length); i++) {
      if (i < good.length) {
        messages.push({ ...good[i], key: 'mixed', headers: { 'x-trace': `good-${i}` } });
      }
      if (i < bad.length) {
        messages.push({ key: 'mixed', value: bad[i], headers: { 'x-trace': `bad-${i}` } });
      }
    }
    await produce(producer, topicName(topic, prefix), messages, 1);
  }

  function traced(records: ReadMessage[], i: number): ReadMessage {
    const record = records.find((r) => headerText(r.headers, 'x-trace') === `bad-${i}`);
    expect(record).toBeDefined();
    return record!;
  }

  it('events: stores every good event, dead-letters every poison one with a reason, keeps alerting evaluating', async () => {
    const poison: BadEvent[] = [
      {
        value: Buffer.from(`{"type":"a","payload":{"k":${deepArrays(DEPTH)}}}`),
        reason: /nested deeper than 33 levels/,
      },
      {
        value: Buffer.from(`{"type":"a","payload":${deepObjects(DEPTH)}}`),
        reason: /nested deeper than 33 levels/,
      },
      { value: Buffer.from(deepArrays(DEPTH)), reason: /nested deeper than 33 levels/ },
      {
        value: Buffer.from('{"type":"a","payload":"\\ud800"}'),
        reason: /unpaired UTF-16 surrogate/,
      },
      {
        value: Buffer.from('{"type":"a","source":"s\\udc00"}'),
        reason: /"source" must be 1 to 128 characters|unpaired UTF-16 surrogate/,
      },
      { value: Buffer.from('{"type":"a","value":1e400}'), reason: /"value" must be a number/ },
      { value: Buffer.from('"just a string"'), reason: /is JSON a string/ },
      { value: Buffer.from('42'), reason: /is JSON a number/ },
      { value: Buffer.from('null'), reason: /is JSON null/ },
      {
        value: Buffer.from(String(v1Event(0).value).slice(0, 40)),
        reason: /not valid JSON/,
      },
      {
        value: Buffer.from(`{"type":"a","payload":"${'x'.repeat(MAX_MESSAGE_BYTES + 1 - 25)}"}`),
        reason: /262145 bytes, over the limit of 262144 bytes/,
      },
      {
        value: Buffer.from(`{"type":"a","payload":"${'x'.repeat(1_000_000 - 25)}"}`),
        reason: /1000000 bytes, over the limit of 262144 bytes/,
      },
      ...BAD_EVENTS,
    ];
    expect(poison[10].value).toHaveLength(MAX_MESSAGE_BYTES + 1);

    const rule = ruleRecord({
      id: 'after-poison-events',
      match: { types: ['poison.check'] },
      window: { kind: 'sliding', seconds: 300 },
      condition: { aggregate: 'count', operator: '>=', threshold: 3 },
    });
    await produce(producer, topicName(Topic.AlertRules, prefix), [rule]);
    await eventually(async () =>
      expect(await counter(urls.alerting, 'eventmon_alerting_rules_loaded')).toBe(1),
    );
    const skippedBefore = await counter(urls.alerting, 'eventmon_alerting_events_skipped_total', {
      reason: 'invalid',
    });

    // The alerting rule fires only if alerting evaluated past every poison message.
    const good = [
      ...poison.map((_, i) => v1Event(i)),
      ...[1, 2, 3].map(() => liveEvent('poison.check', 'poison-source')),
    ];
    await interleave(
      Topic.Events,
      good,
      poison.map((p) => p.value),
    );

    const count = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM events'))[0].n);
    await eventually(async () => expect(await count()).toBe(good.length), { timeoutMs: 90_000 });
    const stored = (await db.query<{ id: string }>('SELECT id FROM events')).map((r) => r.id);
    expect(stored.sort()).toEqual(good.map(idOf).sort());

    const dlq = await readTopic(kafka, topicName(Topic.EventsDlq, prefix), poison.length);
    expect(dlq).toHaveLength(poison.length);
    poison.forEach((entry, i) => {
      const record = traced(dlq, i);
      const reason = headerText(record.headers, DeadLetterHeader.Reason);
      expect({ i, reason }).toEqual({ i, reason: expect.stringMatching(entry.reason) });
      expect(headerText(record.headers, DeadLetterHeader.Stage)).toBe('validation');
      const original = entry.value ?? Buffer.alloc(0);
      if (original.length < EVENTS_DLQ_MAX_BYTES - 10_000) {
        if (entry.value === null) expect(record.value).toBeNull();
        else expect({ i, same: Buffer.compare(record.value!, original) }).toEqual({ i, same: 0 });
      } else {
        // Over the DLQ topic's max.message.bytes: cut to fit rather than retried for ever.
        expect(headerText(record.headers, DeadLetterHeader.Truncated)).toBe('true');
        expect(headerText(record.headers, DeadLetterHeader.OriginalSize)).toBe(
          String(original.length),
        );
        expect(Buffer.compare(record.value!, original.subarray(0, record.value!.length))).toBe(0);
      }
    });
    expect(
      await scrapeMetric(urls.consumer, 'eventmon_events_dead_lettered_total', {
        stage: 'validation',
      }),
    ).toBe(poison.length);

    await eventually(() =>
      expect(incidentsOf(notifications, 'incident.opened', 'after-poison-events')).toHaveLength(1),
    );
    // Alerting's size limits are generous (the consumer enforces them): it evaluates those.
    const invalidAnySize = poison.filter((p) => !p.reason.source.includes('over the limit'));
    await eventually(async () =>
      expect(
        (await counter(urls.alerting, 'eventmon_alerting_events_skipped_total', {
          reason: 'invalid',
        })) - skippedBefore,
      ).toBe(invalidAnySize.length),
    );
  });

  it('alert-rules: refuses garbage and deep nesting, shrugs off a tombstone for an unknown rule, applies the rule published after them', async () => {
    const rejectedBefore = await counter(urls.alerting, 'eventmon_alerting_rules_rejected_total');
    const loadedBefore = await counter(urls.alerting, 'eventmon_alerting_rules_loaded');
    const rules = topicName(Topic.AlertRules, prefix);
    const bad: Message[] = [
      { key: 'garbage', value: Buffer.from('{"id": "garbage", "name": ') },
      { key: 'deep', value: Buffer.from(`{"id":"deep","match":${deepObjects(DEPTH)}}`) },
      { key: 'arrays', value: Buffer.from(deepArrays(DEPTH)) },
      { key: 'bytes', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
      { key: 'nul', value: Buffer.from('{"id":"nul\u0000"}') },
      { key: 'not-a-rule', value: Buffer.from('{"id":"not-a-rule"}') },
      { key: 'empty', value: Buffer.from('') },
    ];
    await produce(producer, rules, [
      ...bad,
      // A tombstone for a rule that never existed deletes nothing and harms nothing.
      { key: 'never-existed', value: null },
      ruleRecord({
        id: 'after-poison-rules',
        match: { types: ['rules.check'] },
        window: { kind: 'sliding', seconds: 300 },
        condition: { aggregate: 'count', operator: '>=', threshold: 2 },
      }),
    ]);
    await eventually(async () =>
      expect(await counter(urls.alerting, 'eventmon_alerting_rules_loaded')).toBe(loadedBefore + 1),
    );
    expect(
      (await counter(urls.alerting, 'eventmon_alerting_rules_rejected_total')) - rejectedBefore,
    ).toBe(bad.length);

    await produce(producer, topicName(Topic.Events, prefix), [
      liveEvent('rules.check', 'rules-source'),
      liveEvent('rules.check', 'rules-source'),
    ]);
    await eventually(() =>
      expect(incidentsOf(notifications, 'incident.opened', 'after-poison-rules')).toHaveLength(1),
    );
  });

  it('alerting-repartition: skips and counts what is not a forwarded match, evaluates the matches around it', async () => {
    const invalidBefore = await counter(
      urls.alerting,
      'eventmon_alerting_forwarded_dropped_total',
      {
        reason: 'invalid',
      },
    );
    await produce(producer, topicName(Topic.AlertRules, prefix), [
      ruleRecord({
        id: 'after-poison-matches',
        match: { types: ['matches.check'] },
        groupBy: 'none',
        window: { kind: 'sliding', seconds: 300 },
        condition: { aggregate: 'count', operator: '>=', threshold: 2 },
      }),
    ]);
    // On the partition that holds the rule's one window, before its matches.
    const partition = forwardedMatchPartition('after-poison-matches', '*', 6);
    const bad: Array<Buffer | null> = [
      Buffer.from('{"v":1,"rule":'),
      Buffer.from(`{"v":1,"event":${deepObjects(DEPTH)}}`),
      Buffer.from(deepArrays(DEPTH)),
      null,
      Buffer.from(''),
      Buffer.from('{"v":2}'),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
    ];
    await produce(
      producer,
      topicName(Topic.AlertingRepartition, prefix),
      bad.map((value) => ({ key: 'poison', value, partition })),
      1,
    );
    await produce(producer, topicName(Topic.Events, prefix), [
      liveEvent('matches.check', 'matches-source-1'),
      liveEvent('matches.check', 'matches-source-2'),
    ]);
    await eventually(() =>
      expect(incidentsOf(notifications, 'incident.opened', 'after-poison-matches')).toHaveLength(1),
    );
    await eventually(async () =>
      expect(
        (await counter(urls.alerting, 'eventmon_alerting_forwarded_dropped_total', {
          reason: 'invalid',
        })) - invalidBefore,
      ).toBe(bad.length),
    );
  });

  it('notifications: the consumer stores the good incidents and dead-letters the bad, dispatch skips them', async () => {
    const skippedBefore = await counter(urls.alerting, 'eventmon_alerting_events_skipped_total', {
      reason: 'invalid-notification',
    });
    const good: LifecycleMessage[] = [0, 1, 2].map((i) =>
      lifecycle({ ...openIncident(i, new Date()), channels: [{ type: 'console' }] }),
    );
    const valid = String(lifecycleRecord(good[0]).value);
    const bad: Array<Buffer | null> = [
      Buffer.from('not json'),
      Buffer.from(`{"kind":"incident.opened","incident":${deepObjects(DEPTH)}}`),
      Buffer.from(deepArrays(DEPTH)),
      null,
      Buffer.from(''),
      Buffer.from('[]'),
      Buffer.from(valid.slice(0, valid.length / 2)),
      Buffer.from(valid.replace('"alerting"', '"a\u0000b"')),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      Buffer.from(valid.replace('"incident.opened"', '"incident.resolved"')),
    ];
    await interleave(Topic.Notifications, good.map(lifecycleRecord), bad);

    const ids = good.map((m) => m.incident.id);
    await eventually(async () => {
      const rows = await db.query<{ id: string }>(
        'SELECT id FROM incidents WHERE id = ANY($1::uuid[])',
        [ids],
      );
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    });
    const dlq = await readTopic(kafka, topicName(Topic.NotificationsDlq, prefix), bad.length);
    expect(dlq).toHaveLength(bad.length);
    bad.forEach((value, i) => {
      const record = traced(dlq, i);
      expect(headerText(record.headers, DeadLetterHeader.Stage)).toBe('validation');
      expect(headerText(record.headers, DeadLetterHeader.Reason)).toMatch(/\S/);
      if (value === null) expect(record.value).toBeNull();
      else expect(Buffer.compare(record.value ?? Buffer.alloc(0), value)).toBe(0);
    });

    // The ledger (which follows the whole topic) and dispatch each skip every bad message once.
    await eventually(async () =>
      expect(
        (await counter(urls.alerting, 'eventmon_alerting_events_skipped_total', {
          reason: 'invalid-notification',
        })) - skippedBefore,
      ).toBe(2 * bad.length),
    );
    // Dispatch delivered the good ones around them (each delivery stored by the consumer).
    await eventually(async () => {
      const delivered = await db.query<{ id: string }>(
        "SELECT DISTINCT incident_id AS id FROM deliveries WHERE outcome = 'delivered' AND incident_id = ANY($1::uuid[])",
        [ids],
      );
      expect(delivered.map((r) => r.id).sort()).toEqual([...ids].sort());
    });
  });

  it('gateway: answers 400 with a message to events nested too deep, on both intake routes', async () => {
    const deepEvent = `{"type":"a","payload":${deepObjects(DEPTH)}}`;
    const deepLegacy = `{"event_type":"a","event_payload":{"k":${deepArrays(DEPTH)}}}`;
    const answers = [
      await gateway.call('ingest', 'POST', '/api/events', deepEvent),
      await gateway.call('ingest', 'POST', '/api/events', `[${deepEvent}]`),
      await gateway.call('ingest', 'POST', '/event', deepLegacy),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('request body is nested deeper than 34 levels');
    }
    // Within the body's depth but not the event's: the decoder's own reason.
    const justTooDeep = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      `{"type":"a","payload":${deepObjects(33)}}`,
    );
    expect(justTooDeep.status).toBe(400);
    expect(String(justTooDeep.body.message)).toMatch(/nested deeper than 33 levels/);

    // The 5,000-deep events dead-lettered by the first test: listed, and refused for replay.
    const deep = await eventually(async () => {
      const answer = await gateway.call('read', 'GET', '/api/dlq?limit=100');
      expect(answer.status).toBe(200);
      const found = (answer.body as Array<{ id: string; reasons: string[] }>).filter((d) =>
        d.reasons.some((r) => r.includes('nested deeper')),
      );
      expect(found).toHaveLength(3);
      return found;
    });
    const replay = await gateway.call('admin', 'POST', '/api/dlq/replay', {
      ids: deep.map((d) => d.id),
    });
    expect(replay.status).toBe(400);
    expect(replay.body.message).toEqual([
      ...deep.map((d) => `${d.id}: an event must be a JSON object`),
      'send a corrected event for each of these in "corrections"',
    ]);
  });
});

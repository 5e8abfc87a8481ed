import { createHmac } from 'node:crypto';
import { Kafka, Producer } from 'kafkajs';
import { DeliveryRecord, LifecycleMessage, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { deliveryIdempotencyKey } from '../../apps/alerting/src/delivery';
import {
  incidentsOf,
  liveEvent,
  ruleRecord,
  startAlerting as startAlertingProcess,
} from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import {
  deleteTopicsWithPrefix,
  headerText,
  produce,
  readTopic,
  testKafka,
} from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import {
  ReceivedRequest,
  startHttpServer,
} from '../../apps/alerting/src/delivery/testing/local-http-server';
import { startSmtpServer } from '../../apps/alerting/src/delivery/testing/local-smtp-server';
import { TopicRecorder } from '../support/topic-recorder';

const SECRET = 'integration-test-secret';

/**
 * Dispatch against real receivers on loopback: a webhook server that checks the HMAC
 * signature, an SMTP server, and a dead webhook that must be retried, dead-lettered, and
 * must not hold back a healthy channel.
 */
describe('alerting: notification dispatch', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let notifications: TopicRecorder;
  let deliveries: TopicRecorder;
  const stoppers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(
      kafka,
      [
        Topic.Events,
        Topic.AlertRules,
        Topic.Notifications,
        Topic.NotificationDeliveries,
        Topic.NotificationsDlq,
      ],
      { prefix },
    );
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
    deliveries = await TopicRecorder.start(kafka, topicName(Topic.NotificationDeliveries, prefix));
  });

  afterEach(async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop();
    await notifications.stop();
    await deliveries.stop();
    await producer.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  async function startAlerting(env: Record<string, string>): Promise<AppHarness> {
    const app = startAlertingProcess(prefix, { WEBHOOK_SECRET: SECRET, ...env });
    stoppers.push(() => app.stop());
    await baseUrlOf(app);
    await eventually(() => expect(app.output()).toMatch(/windows ready/));
    return app;
  }

  async function fireRule(channels: unknown[]): Promise<LifecycleMessage> {
    await produce(producer, topicName(Topic.AlertRules, prefix), [
      ruleRecord({
        id: 'errors',
        name: 'Errors <b>per</b> service',
        match: { types: ['app.error'] },
        window: { seconds: 60 },
        condition: { operator: '>=', threshold: 2 },
        severity: 'critical',
        channels,
      }),
    ]);
    // Right after the rule, not once it is applied: events that reach alerting first count too.
    await produce(producer, topicName(Topic.Events, prefix), [
      liveEvent('app.error', 'checkout'),
      liveEvent('app.error', 'checkout'),
    ]);
    return eventually(
      () => {
        const opened = incidentsOf(notifications, 'incident.opened');
        expect(opened).toHaveLength(1);
        return opened[0];
      },
      { timeoutMs: 10000 },
    );
  }

  function expectSigned(request: ReceivedRequest): void {
    const timestamp = String(request.headers['x-eventmon-timestamp']);
    const expected = createHmac('sha256', SECRET)
      .update(`${timestamp}.${request.body}`)
      .digest('hex');
    expect(request.headers['x-eventmon-signature']).toBe(`sha256=${expected}`);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
  }

  const deliveryRecords = () => deliveries.json<DeliveryRecord>();

  it('posts a signed webhook with an idempotency key for each lifecycle message', async () => {
    const hook = await startHttpServer(() => ({ status: 200 }));
    stoppers.push(() => hook.close());
    await startAlerting({});
    const opened = await fireRule([{ type: 'webhook', url: `${hook.origin}/hooks/eventmon` }]);

    const first = await eventually(() => {
      expect(hook.requests).toHaveLength(1);
      return hook.requests[0];
    });
    expect(first.path).toBe('/hooks/eventmon');
    expectSigned(first);
    // The incident's channel list stays out of the body: it holds other channels' secrets.
    expect(JSON.parse(first.body)).toEqual({
      ...opened,
      incident: { ...opened.incident, channels: [] },
    });
    const openedKey = first.headers['idempotency-key'];
    expect(openedKey).toBe(deliveryIdempotencyKey(opened.incident.id, 'incident.opened', 0));

    // The gateway acknowledges it: the same channel hears about it, under another key.
    const now = new Date().toISOString();
    const ack: LifecycleMessage = {
      kind: 'incident.acknowledged',
      at: now,
      actor: 'alice',
      incident: {
        ...opened.incident,
        status: 'acknowledged',
        acknowledgedAt: now,
        acknowledgedBy: 'alice',
      },
    };
    await producer.send({
      topic: topicName(Topic.Notifications, prefix),
      messages: [{ key: ack.incident.id, value: JSON.stringify(ack) }],
    });
    const second = await eventually(() => {
      expect(hook.requests).toHaveLength(2);
      return hook.requests[1];
    });
    expectSigned(second);
    expect((JSON.parse(second.body) as LifecycleMessage).kind).toBe('incident.acknowledged');
    expect(second.headers['idempotency-key']).toBe(
      deliveryIdempotencyKey(opened.incident.id, 'incident.acknowledged', 0),
    );
    expect(second.headers['idempotency-key']).not.toBe(openedKey);

    const records = await eventually(() => {
      const found = deliveryRecords();
      expect(found).toHaveLength(2);
      return found;
    });
    expect(records.map((r) => [r.kind, r.channelType, r.attempt, r.outcome, r.statusCode])).toEqual(
      [
        ['incident.opened', 'webhook', 1, 'delivered', 200],
        ['incident.acknowledged', 'webhook', 1, 'delivered', 200],
      ],
    );
    expect(records[0].target).toBe('127.0.0.1');
    expect(records[0].idempotencyKey).toBe(openedKey);
    expect(records[0].incidentId).toBe(opened.incident.id);
  });

  it('emails the incident through a real SMTP server, with text and HTML bodies', async () => {
    const smtp = await startSmtpServer();
    stoppers.push(() => smtp.close());
    await startAlerting({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'eventmon <alerts@example.test>',
    });
    const opened = await fireRule([
      { type: 'email', to: ['oncall@example.test', 'lead@example.test'] },
    ]);

    const mail = await eventually(() => {
      expect(smtp.mails).toHaveLength(1);
      return smtp.mails[0];
    });
    expect(mail.from).toBe('alerts@example.test');
    expect(mail.to.sort()).toEqual(['lead@example.test', 'oncall@example.test']);
    const raw = mail.raw.replace(/=\r?\n/g, '');
    expect(raw).toMatch(/^Subject: .*Errors/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(raw).toMatch(/Content-Type: text\/plain/i);
    expect(raw).toMatch(/Content-Type: text\/html/i);
    expect(raw).toContain('checkout');
    // The rule name is user input: in the HTML part it is escaped, never markup.
    expect(raw).toContain('&lt;b&gt;per&lt;/b&gt;');
    await eventually(() =>
      expect(deliveryRecords().map((r) => [r.channelType, r.outcome, r.incidentId])).toEqual([
        ['email', 'delivered', opened.incident.id],
      ]),
    );
  });

  it('retries a failing webhook, dead-letters it after the last attempt, and never holds back a healthy channel', async () => {
    const dead = await startHttpServer(() => ({ status: 503 }));
    const slow = await startHttpServer(() => 'hang');
    const healthy = await startHttpServer(() => ({ status: 200 }));
    stoppers.push(
      () => dead.close(),
      () => slow.close(),
      () => healthy.close(),
    );
    const app = await startAlerting({
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_ATTEMPT_TIMEOUT_MS: '1500',
    });
    const opened = await fireRule([
      { type: 'webhook', url: `${slow.origin}/slow` },
      { type: 'webhook', url: `${dead.origin}/dead` },
      { type: 'webhook', url: `${healthy.origin}/ok` },
    ]);

    const dlq = await eventually(
      async () => {
        const records = await readAll(kafka, topicName(Topic.NotificationsDlq, prefix));
        expect(records).toHaveLength(2);
        return records;
      },
      { timeoutMs: 30000 },
    );
    expect(dead.requests).toHaveLength(3);
    expect(slow.requests).toHaveLength(3);
    expect(healthy.requests).toHaveLength(1);
    // Every dead attempt carried the same idempotency key, so a receiver could drop repeats.
    expect(new Set(dead.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);

    const byIndex = new Map(dlq.map((r) => [headerText(r.headers, 'dlq.channel.index'), r]));
    for (const [index, reason] of [
      ['0', /no response within 1500 ms \(gave up after 3 attempts\)/],
      ['1', /503/],
    ] as const) {
      const record = byIndex.get(index)!;
      expect(headerText(record.headers, 'dlq.stage')).toBe('delivery');
      expect(headerText(record.headers, 'dlq.channel.type')).toBe('webhook');
      expect(headerText(record.headers, 'dlq.attempts')).toBe('3');
      expect(headerText(record.headers, 'dlq.original.topic')).toBe(
        topicName(Topic.Notifications, prefix),
      );
      expect(headerText(record.headers, 'dlq.reason')).toMatch(reason);
      expect(JSON.parse(String(record.value))).toEqual(opened);
    }

    const records = await eventually(() => {
      const found = deliveryRecords();
      expect(found).toHaveLength(7);
      return found;
    });
    const outcomes = (index: number) =>
      records.filter((r) => r.channelIndex === index).map((r) => `${r.attempt}:${r.outcome}`);
    expect(outcomes(0)).toEqual(['1:retrying', '2:retrying', '3:failed']);
    expect(outcomes(1)).toEqual(['1:retrying', '2:retrying', '3:failed']);
    expect(outcomes(2)).toEqual(['1:delivered']);
    // The healthy channel was done before the hanging one had even finished its first attempt.
    const firstSlowOutcome = records.findIndex((r) => r.channelIndex === 0);
    expect(records.findIndex((r) => r.channelIndex === 2)).toBeLessThan(firstSlowOutcome);
    expect(
      await scrapeMetric(await baseUrlOf(app), 'eventmon_alerting_notifications_failed_total', {
        channel: 'webhook',
      }),
    ).toBe(2);
  });
});

async function readAll(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  return total === 0 ? [] : readTopic(kafka, topic, total, 10000);
}

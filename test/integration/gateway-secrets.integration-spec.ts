import { Producer } from 'kafkajs';
import { ChannelConfig, decodeLifecycleMessage, Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway, TEST_KEYS, TestRole } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { readStream } from '../support/live-stream';
import { lifecycle, lifecycleRecord, openIncident } from '../support/notifications';
import { TopicRecorder } from '../support/topic-recorder';

/** Every secret path starts with this: one search of the raw answer finds any of them. */
const SECRET = 'S3CRETPATH';
const SLACK_URL = `https://hooks.slack.com/services/T000/B000/${SECRET}slack`;
const WEBHOOK_URL = `https://hooks.example.com/in/${SECRET}hook?token=${SECRET}token`;
const CHANNELS: ChannelConfig[] = [
  { type: 'slack', url: SLACK_URL },
  { type: 'webhook', url: WEBHOOK_URL },
];
const RULE = {
  id: 'secret-rule',
  name: 'Rule with credentials in its channels',
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  severity: 'high',
  cooldownSeconds: 0,
  channels: CHANNELS,
};

describe('gateway: channel credentials stay on the server', () => {
  const prefix = `gw-secrets-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness;
  let producer: Producer;
  let recorder: TopicRecorder;
  const notifications = topicName(Topic.Notifications, prefix);

  /** The raw JSON text of an answer, so a secret anywhere in it is found. */
  const rawAs = async (role: TestRole, path: string) => {
    const response = await fetch(`${gateway.url}${path}`, {
      headers: { 'x-api-key': TEST_KEYS[role] },
    });
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    db = await createScratchDatabase('gwsecrets');
    gateway = await startGateway(prefix, db.url);
    consumer = startConsumer(prefix, db.url);
    const kafka = testKafka();
    producer = kafka.producer();
    await producer.connect();
    recorder = await TopicRecorder.start(kafka, notifications);
    expect((await gateway.call('admin', 'POST', '/api/rules', RULE)).status).toBe(201);
    const patched = await gateway.call('admin', 'PATCH', `/api/rules/${RULE.id}`, {
      enabled: false,
    });
    expect(patched.status).toBe(200);
  });
  afterAll(async () => {
    await recorder?.stop();
    await producer?.disconnect();
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('shows a read key channel URLs as scheme and host only, in rules and in the audit log', async () => {
    for (const path of [
      '/api/rules',
      `/api/rules/${RULE.id}`,
      `/api/audit?targetType=rule&targetId=${RULE.id}`,
    ]) {
      const text = await rawAs('read', path);
      expect(text).not.toContain(SECRET);
      expect(text).toContain('"url":"https://hooks.slack.com/…"');
      expect(text).toContain('"url":"https://hooks.example.com/…"');
    }
  });

  it('shows an admin the whole rule, which it needs to edit it, in rules and in the audit log', async () => {
    const rule = await gateway.call('admin', 'GET', `/api/rules/${RULE.id}`);
    expect(rule.body.definition.channels).toEqual(CHANNELS);
    const audit = await gateway.call(
      'admin',
      'GET',
      `/api/audit?targetType=rule&targetId=${RULE.id}`,
    );
    expect(audit.body.items[0].before.channels).toEqual(CHANNELS);
    expect(audit.body.items[0].after.channels).toEqual(CHANNELS);
  });

  it('sends no channel details in incidents or in the live stream, to any role', async () => {
    const received: string[] = [];
    const abort = new AbortController();
    await readStream(gateway.url, TEST_KEYS.read, received, abort.signal);
    try {
      const incident = { ...openIncident(1, new Date()), ruleId: RULE.id, channels: CHANNELS };
      await producer.send({
        topic: notifications,
        messages: [lifecycleRecord(lifecycle(incident))],
      });
      await eventually(() =>
        expect(received.some((message) => message.includes(incident.id))).toBe(true),
      );
      const streamed = received.find((message) => message.includes(incident.id))!;
      expect(streamed).not.toContain(SECRET);
      expect(streamed).toContain('"channels":[]');

      await eventually(async () =>
        expect((await gateway.call('read', 'GET', `/api/incidents/${incident.id}`)).status).toBe(
          200,
        ),
      );
      for (const role of ['read', 'admin'] as const) {
        for (const path of ['/api/incidents', `/api/incidents/${incident.id}`]) {
          const text = await rawAs(role, path);
          expect(text).toContain(incident.id);
          expect(text).not.toContain(SECRET);
        }
      }
      const acked = await gateway.call(
        'admin',
        'POST',
        `/api/incidents/${incident.id}/acknowledge`,
      );
      expect(acked.status).toBe(200);
      expect(JSON.stringify(acked.body)).not.toContain(SECRET);

      // The acknowledgement on `notifications` keeps the channels: alerting notifies them.
      await eventually(() => {
        const published = recorder.messages
          .map((m) => decodeLifecycleMessage(m.value))
          .find((d) => d.ok && d.value.kind === 'incident.acknowledged');
        expect(published?.ok && published.value.incident.channels).toEqual(CHANNELS);
      });
      await eventually(() =>
        expect(received.some((m) => m.startsWith('event: incident.acknowledged'))).toBe(true),
      );
      expect(received.join('\n')).not.toContain(SECRET);
    } finally {
      abort.abort();
    }
  });
});

import { Producer } from 'kafkajs';
import { decodeLifecycleMessage, LifecycleMessage, Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import {
  deliveryMessage,
  deliveryRecord,
  lifecycle,
  lifecycleRecord,
  openIncident,
} from '../support/notifications';
import { TopicRecorder } from '../support/topic-recorder';
import { readStream } from '../support/live-stream';

describe('gateway: incidents', () => {
  const prefix = `gw-inc-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness;
  let producer: Producer;
  let recorder: TopicRecorder;
  const notifications = topicName(Topic.Notifications, prefix);
  const base = new Date('2026-11-23T08:00:00.000Z');
  const incidents = [0, 1, 2, 3, 4].map((i) =>
    openIncident(i, new Date(base.getTime() + i * 60_000)),
  );

  beforeAll(async () => {
    db = await createScratchDatabase('gwinc');
    gateway = await startGateway(prefix, db.url);
    consumer = startConsumer(prefix, db.url);
    const kafka = testKafka();
    producer = kafka.producer();
    await producer.connect();
    recorder = await TopicRecorder.start(kafka, notifications);
    await producer.send({
      topic: notifications,
      messages: incidents.map((incident) => lifecycleRecord(lifecycle(incident))),
    });
    await producer.send({
      topic: topicName(Topic.NotificationDeliveries, prefix),
      messages: [1, 2, 3].map((attempt) =>
        deliveryMessage(deliveryRecord(incidents[0].id, attempt)),
      ),
    });
    await eventually(async () => {
      const page = await gateway.call('read', 'GET', '/api/incidents?limit=100');
      expect(page.body.items).toHaveLength(5);
    });
  });
  afterAll(async () => {
    await recorder?.stop();
    await producer?.disconnect();
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('lists incidents newest first, filtered and page by page', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await gateway.call(
        'read',
        'GET',
        `/api/incidents?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...(page.body.items as { id: string }[]).map((i) => i.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(ids).toEqual(incidents.map((i) => i.id).reverse());

    const critical = await gateway.call('read', 'GET', '/api/incidents?severity=critical');
    expect((critical.body.items as { id: string }[]).map((i) => i.id)).toEqual([
      incidents[3].id,
      incidents[1].id,
    ]);
    const byRule = await gateway.call('read', 'GET', `/api/incidents?rule=${incidents[2].ruleId}`);
    expect((byRule.body.items as { id: string }[]).map((i) => i.id)).toEqual([incidents[2].id]);
    const range = await gateway.call(
      'read',
      'GET',
      `/api/incidents?from=${incidents[1].openedAt}&to=${incidents[3].openedAt}`,
    );
    expect((range.body.items as unknown[]).length).toBe(2);
    expect((await gateway.call('read', 'GET', '/api/incidents?status=closed')).status).toBe(400);
  });

  it('shows one incident with its missing trigger events and its delivery attempts', async () => {
    await eventually(async () => {
      const detail = await gateway.call('read', 'GET', `/api/incidents/${incidents[0].id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.deliveries).toHaveLength(3);
      expect(detail.body).toMatchObject({
        id: incidents[0].id,
        status: 'open',
        events: [],
        missingEventIds: incidents[0].eventIds,
      });
    });
    expect((await gateway.call('read', 'GET', '/api/incidents/nope')).status).toBe(400);
    const absent = await gateway.call(
      'read',
      'GET',
      '/api/incidents/6f1c2b9e-3d4a-5b6c-8d7e-9f0a1b2c3d4e',
    );
    expect(absent.status).toBe(404);
  });

  it('acknowledges then resolves: row, message on notifications, audit; repeats change nothing', async () => {
    const target = incidents[2];
    expect(
      (await gateway.call('read', 'POST', `/api/incidents/${target.id}/acknowledge`)).status,
    ).toBe(403);

    const acked = await gateway.call('admin', 'POST', `/api/incidents/${target.id}/acknowledge`, {
      note: 'looking',
    });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: target.id, status: 'acknowledged' });
    expect(acked.body.acknowledgedBy).toMatch(/^admin:[0-9a-f]{12}$/);
    const again = await gateway.call('admin', 'POST', `/api/incidents/${target.id}/acknowledge`);
    expect(again.body.acknowledgedAt).toBe(acked.body.acknowledgedAt);

    const resolvedAnswer = await gateway.call(
      'admin',
      'POST',
      `/api/incidents/${target.id}/resolve`,
    );
    expect(resolvedAnswer.body.status).toBe('resolved');
    // Acknowledging a resolved incident answers the current state and publishes nothing.
    const late = await gateway.call('admin', 'POST', `/api/incidents/${target.id}/acknowledge`);
    expect(late.body.status).toBe('resolved');

    const stored = await gateway.call('read', 'GET', `/api/incidents/${target.id}`);
    expect(stored.body).toMatchObject({
      status: 'resolved',
      resolvedBy: acked.body.acknowledgedBy,
    });

    const mine = () =>
      recorder.messages
        .filter((m) => String(m.key) === target.id)
        .map((m) => decodeLifecycleMessage(m.value))
        .map((d) => {
          expect(d.ok).toBe(true);
          return d.ok ? d.value : undefined;
        }) as LifecycleMessage[];
    await eventually(() => expect(mine()).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mine().map((m) => m.kind)).toEqual([
      'incident.opened',
      'incident.acknowledged',
      'incident.resolved',
    ]);

    const audit = await gateway.call(
      'read',
      'GET',
      `/api/audit?targetType=incident&targetId=${target.id}`,
    );
    expect((audit.body.items as { action: string }[]).map((a) => a.action)).toEqual([
      'incident.resolved',
      'incident.acknowledged',
    ]);
    expect(audit.body.items[1]).toMatchObject({
      before: { status: 'open' },
      after: { status: 'acknowledged', note: 'looking' },
    });
  });

  it('streams lifecycle messages live to clients with a read key, and refuses clients without one', async () => {
    const noKey = await fetch(`${gateway.url}/api/incidents/stream`);
    expect(noKey.status).toBe(401);

    const received: string[] = [];
    const abort = new AbortController();
    const response = await readStream(gateway.url, TEST_KEYS.read, received, abort.signal);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    try {
      const fresh = openIncident(9, new Date());
      await producer.send({ topic: notifications, messages: [lifecycleRecord(lifecycle(fresh))] });
      await eventually(() =>
        expect(
          received.some((m) => m.includes('event: incident.opened') && m.includes(fresh.id)),
        ).toBe(true),
      );
      await eventually(async () =>
        expect((await gateway.call('read', 'GET', `/api/incidents/${fresh.id}`)).status).toBe(200),
      );
      await gateway.call('admin', 'POST', `/api/incidents/${fresh.id}/acknowledge`);
      await eventually(() => {
        const message = received.find(
          (m) => m.startsWith('event: incident.acknowledged') && m.includes(fresh.id),
        );
        expect(message).toBeDefined();
        const data = message!
          .split('\n')
          .find((line) => line.startsWith('data: '))!
          .slice(6);
        expect(decodeLifecycleMessage(data).ok).toBe(true);
      });
    } finally {
      abort.abort();
    }
  });
});

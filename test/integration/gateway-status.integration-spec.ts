import { Admin, Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, testKafka } from '../support/kafka';
import type { StatusAnswer } from '../../apps/gateway/src/status/status-answer';

/** The groups a deployment with this prefix would run, as the gateway is told about them. */
function groupsOf(prefix: string) {
  return {
    consumer: `${prefix}consumer`,
    alerting: `${prefix}alerting`,
    dispatch: `${prefix}dispatch`,
  };
}

describe('gateway: GET /api/status', () => {
  const prefix = `gw-status-${uniqueSuffix()}-`;
  const groups = groupsOf(prefix);
  const topic = (t: Topic): string => topicName(t, prefix);
  const kafka = testKafka();
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    // Every topic the product's groups read except alerting-repartition (alerting never ran).
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topic(Topic.Events), numPartitions: 3 },
        { topic: topic(Topic.Notifications), numPartitions: 1 },
        { topic: topic(Topic.NotificationDeliveries), numPartitions: 1 },
        { topic: topic(Topic.EventsDlq), numPartitions: 1 },
        { topic: topic(Topic.NotificationsDlq), numPartitions: 1 },
      ],
    });
    producer = kafka.producer();
    await producer.connect();
    db = await createScratchDatabase('gwstatus');
    gateway = await startGateway(prefix, db.url, {
      CONSUMER_GROUP_ID: groups.consumer,
      ALERTING_GROUP_ID: groups.alerting,
      ALERTING_DISPATCH_GROUP_ID: groups.dispatch,
    });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await gateway?.app.stop();
    await db?.drop();
    await deleteTopicsWithPrefix(kafka, prefix).catch(() => undefined);
    await admin?.disconnect();
  });

  it('needs a read key: 401 without one, 403 for an ingest key', async () => {
    expect((await gateway.call(null, 'GET', '/api/status')).status).toBe(401);
    expect((await gateway.call('ingest', 'GET', '/api/status')).status).toBe(403);
  });

  it('reports both dependencies up, the real lag of a group behind the head, rule, incident and dead-letter counts', async () => {
    // events: 10 records on partition 0, 5 on partition 1, none on 2.
    const sends = [
      ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `a${i}` })),
      ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: `b${i}` })),
    ];
    await producer.send({ topic: topic(Topic.Events), acks: -1, messages: sends });
    // The consumer's group committed 3 behind the head on 0, 2 behind on 1, at the head of 2.
    await admin.setOffsets({
      groupId: groups.consumer,
      topic: topic(Topic.Events),
      partitions: [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
        { partition: 2, offset: '0' },
      ],
    });
    // Dispatch committed at the head of notifications (3 records), on nothing else.
    await producer.send({
      topic: topic(Topic.Notifications),
      acks: -1,
      messages: [{ value: 'n1' }, { value: 'n2' }, { value: 'n3' }],
    });
    await admin.setOffsets({
      groupId: groups.dispatch,
      topic: topic(Topic.Notifications),
      partitions: [{ partition: 0, offset: '3' }],
    });
    // Dead letters: two from two hours ago, three now on events.dlq, one now on notifications.dlq.
    const twoHoursAgo = String(Date.now() - 2 * 3600_000);
    await producer.send({
      topic: topic(Topic.EventsDlq),
      acks: -1,
      messages: [
        { value: 'old-1', timestamp: twoHoursAgo },
        { value: 'old-2', timestamp: twoHoursAgo },
        { value: 'new-1' },
        { value: 'new-2' },
        { value: 'new-3' },
      ],
    });
    await producer.send({
      topic: topic(Topic.NotificationsDlq),
      acks: -1,
      messages: [{ value: 'failed-delivery' }],
    });
    await db.query(
      `INSERT INTO alert_rules (id, name, enabled, definition)
       VALUES ('r1', 'one', true, '{}'), ('r2', 'two', true, '{}'), ('r3', 'three', false, '{}')`,
    );
    await db.query(
      `INSERT INTO incidents (id, rule_id, rule_name, group_key, severity, status, value, aggregate, operator,
         threshold, window_kind, window_seconds, window_start, window_end, opened_at, updated_at)
       SELECT gen_random_uuid(), 'r1', 'one', 'k' || n, 'high', s, 1, 'count', '>=', 1, 'sliding', 60,
              now(), now(), now(), now()
         FROM unnest(ARRAY['open', 'open', 'acknowledged', 'resolved', 'open']) WITH ORDINALITY AS t(s, n)`,
    );

    const answer = await gateway.call('read', 'GET', '/api/status');
    expect(answer.status).toBe(200);
    const body = answer.body as StatusAnswer;
    expect(body.version).toBe('0.1.0');
    expect(Date.now() - Date.parse(body.generatedAt)).toBeLessThan(10_000);
    expect(body.problems).toEqual([]);
    expect(body.dependencies).toEqual([
      { name: 'database', status: 'up', latencyMs: expect.any(Number) },
      {
        name: 'kafka',
        status: 'up',
        detail: 'brokers 1, controller 1',
        latencyMs: expect.any(Number),
      },
    ]);

    const lagOf = (service: string) =>
      (body.consumerLag as { service: string }[]).find((g) => g.service === service);
    expect(lagOf('consumer')).toEqual({
      service: 'consumer',
      groupId: groups.consumer,
      lag: 5,
      topics: [{ topic: topic(Topic.Events), lag: 5 }],
    });
    expect(lagOf('alerting-dispatch')).toEqual({
      service: 'alerting-dispatch',
      groupId: groups.dispatch,
      lag: 0,
      topics: [{ topic: topic(Topic.Notifications), lag: 0 }],
    });
    expect(lagOf('alerting')).toEqual({
      service: 'alerting',
      groupId: groups.alerting,
      lag: null,
      reason: 'the group has committed nothing yet',
      topics: [{ topic: topic(Topic.Events), lag: null, reason: 'no offset committed yet' }],
    });
    expect(lagOf('alerting-repartition')).toMatchObject({
      groupId: `${groups.alerting}-repartition`,
      lag: null,
      topics: [
        {
          topic: topic(Topic.AlertingRepartition),
          lag: null,
          reason: 'the topic does not exist yet',
        },
      ],
    });
    expect(lagOf('consumer-notifications')).toMatchObject({
      groupId: `${groups.consumer}-notifications`,
      lag: null,
    });

    expect(body.rules).toEqual({ loaded: 3, enabled: 2, fromFile: 0 });
    expect(body.incidents).toEqual({ open: 3, acknowledged: 1 });
    expect(body.deadLetters).toEqual({
      since: new Date(Date.parse(body.generatedAt) - 3600_000).toISOString(),
      lastHour: 4,
      topics: [
        { topic: topic(Topic.EventsDlq), count: 3 },
        { topic: topic(Topic.NotificationsDlq), count: 1 },
      ],
    });
  });

  it('serves one answer for 2 s to every caller, then a fresh one with the new lag', async () => {
    // Past the previous test's answer: the next call gathers, and the ones alongside share it.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const together = await Promise.all(
      Array.from({ length: 10 }, () => gateway.call('read', 'GET', '/api/status')),
    );
    for (const answer of together) expect(answer.body).toEqual(together[0].body);
    const lagOfConsumer = (body: StatusAnswer) =>
      body.consumerLag.find((g) => g.service === 'consumer')?.lag;
    expect(lagOfConsumer(together[0].body as StatusAnswer)).toBe(5);

    // One more event for the group (producing takes milliseconds, setOffsets 5 s): within the
    // 2 s the answer does not show it...
    await producer.send({
      topic: topic(Topic.Events),
      acks: -1,
      messages: [{ partition: 2, value: 'c0' }],
    });
    const cached = await gateway.call('read', 'GET', '/api/status');
    expect(cached.body).toEqual(together[0].body);

    // ...and once they are over, a new answer does.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const fresh = await gateway.call('read', 'GET', '/api/status');
    expect((fresh.body as StatusAnswer).generatedAt).not.toBe(
      (together[0].body as StatusAnswer).generatedAt,
    );
    expect(lagOfConsumer(fresh.body as StatusAnswer)).toBe(6);
  });
});

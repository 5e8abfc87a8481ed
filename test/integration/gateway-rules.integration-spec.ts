import { Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { incidentsOf, startAlerting } from '../support/alerting';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { TopicRecorder } from '../support/topic-recorder';

const RULE = {
  name: 'Payment exceptions per client',
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  severity: 'high',
  cooldownSeconds: 0,
  channels: [{ type: 'console' }],
};

describe('gateway: rules', () => {
  const prefix = `gw-rules-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let producer: Producer;
  let rulesTopic: TopicRecorder;
  const apps: AppHarness[] = [];

  /** The latest value of a key on alert-rules (null: tombstone; undefined: never written). */
  const onTopic = (id: string) => {
    const last = [...rulesTopic.messages].reverse().find((m) => String(m.key) === id);
    if (!last) return undefined;
    return last.value === null ? null : (JSON.parse(String(last.value)) as Record<string, unknown>);
  };

  beforeAll(async () => {
    db = await createScratchDatabase('gwrules');
    gateway = await startGateway(prefix, db.url);
    const kafka = testKafka();
    producer = kafka.producer();
    await producer.connect();
    rulesTopic = await TopicRecorder.start(kafka, topicName(Topic.AlertRules, prefix));
  });
  afterAll(async () => {
    await rulesTopic?.stop();
    await producer?.disconnect();
    for (const app of apps) await app.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('creates, reads, patches, replaces and deletes a rule: table, alert-rules topic and audit agree', async () => {
    const created = await gateway.call('admin', 'POST', '/api/rules', { ...RULE, id: 'pay-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'pay-1', version: 1, enabled: true });
    expect(created.body.definition).toMatchObject({ autoResolve: true, groupBy: 'source' });
    await eventually(() => expect(onTopic('pay-1')).toEqual(created.body.definition));

    const fetched = await gateway.call('read', 'GET', '/api/rules/pay-1');
    expect(fetched.body.definition).toEqual(created.body.definition);
    expect(
      (await gateway.call('admin', 'POST', '/api/rules', { ...RULE, id: 'pay-1' })).status,
    ).toBe(409);

    const disabled = await gateway.call('admin', 'PATCH', '/api/rules/pay-1', {
      enabled: false,
      condition: { threshold: 10 },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ version: 2, enabled: false });
    expect(disabled.body.definition.condition).toEqual({
      aggregate: 'count',
      operator: '>=',
      threshold: 10,
    });
    await eventually(() => expect(onTopic('pay-1')).toMatchObject({ enabled: false }));

    const replaced = await gateway.call('admin', 'PUT', '/api/rules/pay-1', {
      ...RULE,
      name: 'renamed',
    });
    expect(replaced.body).toMatchObject({ version: 3, name: 'renamed', enabled: true });

    const generated = await gateway.call('admin', 'POST', '/api/rules', RULE);
    expect(generated.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await gateway.call('read', 'GET', '/api/rules?limit=1');
    expect(listed.body.items).toHaveLength(1);
    const second = await gateway.call(
      'read',
      'GET',
      `/api/rules?limit=1&cursor=${listed.body.nextCursor}`,
    );
    expect([listed.body.items[0].id, second.body.items[0].id].sort()).toEqual(
      [generated.body.id, 'pay-1'].sort(),
    );
    const enabledOnly = await gateway.call('read', 'GET', '/api/rules?enabled=true');
    expect(enabledOnly.body.items).toHaveLength(2);

    expect((await gateway.call('admin', 'DELETE', '/api/rules/pay-1')).status).toBe(204);
    expect((await gateway.call('read', 'GET', '/api/rules/pay-1')).status).toBe(404);
    await eventually(() => expect(onTopic('pay-1')).toBeNull());
    expect((await gateway.call('admin', 'DELETE', '/api/rules/pay-1')).status).toBe(404);

    const audit = await gateway.call('read', 'GET', '/api/audit?targetType=rule&targetId=pay-1');
    const entries = audit.body.items as {
      action: string;
      before: unknown;
      after: unknown;
      actor: string;
    }[];
    expect(entries.map((e) => e.action)).toEqual([
      'rule.deleted',
      'rule.updated',
      'rule.updated',
      'rule.created',
    ]);
    expect(entries[3].before).toBeNull();
    expect(entries[0].after).toBeNull();
    expect(entries[2].after).toMatchObject({ enabled: false });
    expect(entries[0].actor).toMatch(/^admin:[0-9a-f]{12}$/);
  });

  it('refuses invalid rules and private webhook targets with every reason, and non-admin changes', async () => {
    const invalid = await gateway.call('admin', 'POST', '/api/rules', {
      ...RULE,
      window: { kind: 'hopping', seconds: 0 },
      condition: { aggregate: 'median', operator: '~', threshold: 'x' },
    });
    expect(invalid.status).toBe(400);
    const reasons = (invalid.body.message as string[]).join('\n');
    expect(reasons).toContain('"window.kind"');
    expect(reasons).toContain('"condition.aggregate"');
    expect(reasons).toContain('"condition.operator"');

    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://127.0.0.1:8080/hook',
      'http://[::ffff:10.0.0.1]/x',
    ]) {
      const answer = await gateway.call('admin', 'POST', '/api/rules', {
        ...RULE,
        channels: [{ type: 'webhook', url }],
      });
      expect(answer.status).toBe(400);
      expect((answer.body.message as string[]).join()).toMatch(/channels\[0\] \(webhook\)/);
    }
    const badPort = await gateway.call('admin', 'POST', '/api/rules', {
      ...RULE,
      channels: [{ type: 'webhook', url: 'http://8.8.8.8:22/' }],
    });
    expect(badPort.status).toBe(400);
    expect(badPort.body.message).toEqual([
      'channels[0] (webhook): port 22 is not allowed; only ports 80 and 443 may be used unless NOTIFY_ALLOWED_PORTS lists the port',
    ]);
    expect((await gateway.call('admin', 'POST', '/api/rules', [RULE])).status).toBe(400);
    expect((await gateway.call('admin', 'PUT', '/api/rules/a', { ...RULE, id: 'b' })).status).toBe(
      400,
    );
    expect((await gateway.call('admin', 'PUT', '/api/rules/nope', RULE)).status).toBe(404);
    expect((await gateway.call('read', 'POST', '/api/rules', RULE)).status).toBe(403);
    expect((await gateway.call('ingest', 'GET', '/api/rules')).status).toBe(403);
    expect((await gateway.call('read', 'GET', '/api/rules?enabled=maybe')).status).toBe(400);
  });

  it('makes the alert-rules topic agree with the table when it starts', async () => {
    const ruleTopic = topicName(Topic.AlertRules, prefix);
    // A stray rule only on the topic, and a table rule whose topic value is stale.
    await producer.send({
      topic: ruleTopic,
      messages: [{ key: 'stray', value: JSON.stringify({ ...RULE, id: 'stray' }) }],
    });
    const kept = await gateway.call('admin', 'POST', '/api/rules', { ...RULE, id: 'kept' });
    await producer.send({
      topic: ruleTopic,
      messages: [
        { key: 'kept', value: JSON.stringify({ ...kept.body.definition, name: 'stale' }) },
      ],
    });
    await eventually(() => expect(onTopic('kept')).toMatchObject({ name: 'stale' }));
    await gateway.app.stop();
    gateway = await startGateway(prefix, db.url);
    await eventually(() => {
      expect(onTopic('stray')).toBeNull();
      expect(onTopic('kept')).toEqual(kept.body.definition);
    });
  });

  it('backtests a rule over stored events with the alerting engine, notifying nobody', async () => {
    const base = Date.parse('2026-11-22T09:00:00Z');
    const insert = async (source: string, count: number, type = 'payment.exception') => {
      for (let i = 0; i < count; i++) {
        await db.query(
          `INSERT INTO events (id, type, source, severity, occurred_at) VALUES (gen_random_uuid(), $1, $2, 'high', $3)`,
          [type, source, new Date(base + i * 5000).toISOString()],
        );
      }
    };
    await insert('client-a', 5);
    await insert('client-b', 4);
    await insert('client-c', 9, 'login.failed');
    await gateway.call('admin', 'POST', '/api/rules', {
      ...RULE,
      id: 'bt',
      condition: { aggregate: 'count', operator: '>=', threshold: 5 },
    });
    // The rule's own message reaches the recorder a moment after the 201: counted from there,
    // any later message would be the backtest's.
    await eventually(() => expect(onTopic('bt')).toMatchObject({ id: 'bt' }));
    const before = rulesTopic.messages.length;
    const answer = await gateway.call(
      'read',
      'POST',
      '/api/rules/bt/backtest?from=2026-11-22T08:00:00Z&to=2026-11-22T12:00:00Z',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ruleId: 'bt',
      eventsScanned: 9,
      counts: { incidents: 1, resolved: 1, open: 0 },
    });
    expect(answer.body.incidents[0]).toMatchObject({ groupKey: 'client-a', value: 5 });
    expect(answer.body.incidents[0].eventIds).toHaveLength(5);
    expect(rulesTopic.messages.length).toBe(before);
    const tooWide = await gateway.call(
      'read',
      'POST',
      '/api/rules/bt/backtest?from=2026-01-01T00:00:00Z&to=2026-11-22T12:00:00Z',
    );
    expect(tooWide.body.message).toBe('the time range may span at most 7 days');
    expect((await gateway.call('read', 'POST', '/api/rules/missing/backtest')).status).toBe(404);
  });

  it('a rule created through the gateway is applied by a running alerting app', async () => {
    const alerting = startAlerting(prefix);
    apps.push(alerting);
    // Start-up is not what the bound below measures: alerting evaluates once it owns partitions.
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/), {
      timeoutMs: 60000,
    });
    const notifications = await TopicRecorder.start(
      testKafka(),
      topicName(Topic.Notifications, prefix),
    );
    try {
      const created = await gateway.call('admin', 'POST', '/api/rules', {
        ...RULE,
        id: 'e2e',
        match: { types: ['e2e.failure'] },
      });
      expect(created.status).toBe(201);
      // Sent once, right after the rule was saved: the rule counts events from its activation
      // (stamped by the gateway), whether they reach alerting before or after the rule.
      const source = `e2e-${uniqueSuffix()}`;
      const sent = await gateway.call(
        'ingest',
        'POST',
        '/api/events',
        [1, 2, 3].map(() => ({ type: 'e2e.failure', source })),
      );
      expect(sent.status).toBe(202);
      await eventually(
        () => expect(incidentsOf(notifications, 'incident.opened', 'e2e')).toHaveLength(1),
        { timeoutMs: 10000 },
      );
      const [opened] = incidentsOf(notifications, 'incident.opened', 'e2e');
      expect(opened.incident.groupKey).toBe(source);
      expect(opened.incident).toMatchObject({ ruleId: 'e2e', value: 3, severity: 'high' });
    } finally {
      await notifications.stop();
    }
  });
});

import { Producer } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';

interface Listed {
  id: string;
  reasons: string[];
  stage: string;
  key: string;
  value: string;
  originalTopic: string;
}

describe('gateway: dead letters', () => {
  const prefix = `gw-dlq-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness;
  let producer: Producer;

  beforeAll(async () => {
    db = await createScratchDatabase('gwdlq');
    gateway = await startGateway(prefix, db.url);
    consumer = startConsumer(prefix, db.url);
    producer = testKafka().producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('lists a poison event with its reasons, refuses to replay it as is, replays a correction that gets stored', async () => {
    const key = `poison-${uniqueSuffix()}`;
    await producer.send({
      topic: topicName(Topic.Events, prefix),
      messages: [{ key, value: JSON.stringify({ severity: 'urgent', payload: 'x' }) }],
    });
    const listed = await eventually(async () => {
      const answer = await gateway.call('read', 'GET', '/api/dlq?limit=10');
      expect(answer.status).toBe(200);
      const found = (answer.body as Listed[]).find((d) => d.key === key);
      expect(found).toBeDefined();
      return found!;
    });
    expect(listed.stage).toBe('validation');
    expect(listed.originalTopic).toBe(topicName(Topic.Events, prefix));
    expect(listed.reasons.join('; ')).toContain('"type"');
    expect(listed.value).toContain('urgent');

    const asIs = await gateway.call('admin', 'POST', '/api/dlq/replay', { ids: [listed.id] });
    expect(asIs.status).toBe(400);
    expect((asIs.body.message as string[])[0]).toMatch(new RegExp(`^${listed.id}: `));

    const corrected = await gateway.call('admin', 'POST', '/api/dlq/replay', {
      ids: [listed.id],
      corrections: { [listed.id]: { type: 'payment.exception', source: key, severity: 'high' } },
    });
    expect(corrected.status).toBe(200);
    const [{ id, eventId }] = corrected.body.replayed as { id: string; eventId: string }[];
    expect(id).toBe(listed.id);
    await eventually(async () => {
      const stored = await gateway.call('read', 'GET', `/api/events/${eventId}`);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({
        source: key,
        type: 'payment.exception',
        severity: 'high',
      });
    });
    const audit = await gateway.call(
      'read',
      'GET',
      `/api/audit?targetType=dead-letter&targetId=${listed.id}`,
    );
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'dlq.replayed',
      after: { eventId, corrected: true },
    });
  });

  it('answers unknown ids, malformed ids and non-admin callers with 4xx', async () => {
    const unknown = await gateway.call('admin', 'POST', '/api/dlq/replay', { ids: ['0-999999'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('0-999999');
    const malformed = await gateway.call('admin', 'POST', '/api/dlq/replay', { ids: ['../x'] });
    expect(malformed.status).toBe(400);
    expect((await gateway.call('admin', 'POST', '/api/dlq/replay', { ids: [] })).status).toBe(400);
    expect((await gateway.call('read', 'POST', '/api/dlq/replay', { ids: ['0-1'] })).status).toBe(
      403,
    );
    expect((await gateway.call('read', 'GET', '/api/dlq?limit=5000')).status).toBe(400);
  });
});

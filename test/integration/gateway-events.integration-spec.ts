import { Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { TopicRecorder } from '../support/topic-recorder';

interface PublishedEvent {
  version: number;
  id: string;
  type: string;
  source: string;
  severity: string;
  occurredAt: string;
  payload: unknown;
}

describe('gateway: events', () => {
  const prefix = `gw-events-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    db = await createScratchDatabase('gwevents');
    gateway = await startGateway(prefix, db.url, { GATEWAY_MAX_EVENTS_PER_REQUEST: '20' });
    consumer = startConsumer(prefix, db.url);
    recorder = await TopicRecorder.start(testKafka(), topicName(Topic.Events, prefix));
  });
  afterAll(async () => {
    await recorder?.stop();
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  const published = () => recorder.json<PublishedEvent>();

  it('publishes one event with 202 and its id, keyed by source, completed to version 1', async () => {
    const answer = await gateway.call('ingest', 'POST', '/api/events', {
      type: 'payment.exception',
      source: 'client-1',
      severity: 'high',
      payload: { amount: 12 },
    });
    expect(answer.status).toBe(202);
    const [id] = answer.body.ids as string[];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const message = await eventually(() => {
      const found = recorder.messages.find((m) => String(m.value).includes(id));
      expect(found).toBeDefined();
      return found!;
    });
    expect(String(message.key)).toBe('client-1');
    expect(JSON.parse(String(message.value))).toMatchObject({
      version: 1,
      id,
      type: 'payment.exception',
      source: 'client-1',
      severity: 'high',
      payload: { amount: 12 },
    });
  });

  it('publishes nothing of a batch with one bad event, and says which and why', async () => {
    const before = published().length;
    const answer = await gateway.call('ingest', 'POST', '/api/events', [
      { type: 'ok.event', source: 'batch' },
      { type: 'bad event', severity: 'urgent', colour: 'red' },
    ]);
    expect(answer.status).toBe(400);
    const message = (answer.body.message as string[]).join('\n');
    expect(message).toMatch(/^event 1: /);
    expect(message).toContain('unknown field "colour"');
    expect(message).toContain('"severity"');
    const tooMany = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      Array.from({ length: 21 }, () => ({ type: 'x' })),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe('at most 20 events per request, got 21');
    const notObject = await gateway.call('ingest', 'POST', '/api/events', '"just a string"');
    expect(notObject.status).toBe(400);
    // A marker event sent after: once it is on the topic, nothing of the refused batch is.
    const marker = await gateway.call('ingest', 'POST', '/api/events', { type: 'marker' });
    const [markerId] = marker.body.ids as string[];
    await eventually(() => expect(published().some((e) => e.id === markerId)).toBe(true));
    expect(
      published()
        .slice(before)
        .map((e) => e.type),
    ).toEqual(['marker']);
  });

  it('takes the legacy shape on POST /event and answers {"status":"success"}', async () => {
    const answer = await gateway.call('ingest', 'POST', '/event', {
      event_type: 'login.failed',
      event_payload: 'user 42',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'success' });
    await eventually(() =>
      expect(published().find((e) => e.type === 'login.failed')).toMatchObject({
        version: 1,
        payload: 'user 42',
        severity: 'low',
      }),
    );
    const wrongType = await gateway.call('ingest', 'POST', '/event', {
      event_type: 'login.failed',
      event_payload: 42,
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('event_payload must be a string');
    const extra = await gateway.call('ingest', 'POST', '/event', {
      event_type: 'a',
      event_payload: 'b',
      admin: true,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('property admin should not exist');
    expect(
      (await gateway.call('read', 'POST', '/event', { event_type: 'a', event_payload: 'b' }))
        .status,
    ).toBe(403);
    expect((await gateway.call('read', 'POST', '/api/events', { type: 'a' })).status).toBe(403);
  });

  it('reads stored events back: by id, filtered, by source, page by page newest first', async () => {
    const source = `pager-${uniqueSuffix()}`;
    const base = Date.parse('2026-11-20T10:00:00Z');
    const sent = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      Array.from({ length: 7 }, (_, i) => ({
        type: i % 2 ? 'odd.event' : 'even.event',
        source,
        severity: i === 6 ? 'critical' : 'low',
        occurredAt: new Date(base + i * 1000).toISOString(),
      })),
    );
    const ids = sent.body.ids as string[];
    await eventually(async () => {
      const one = await gateway.call('read', 'GET', `/api/events/${ids[6]}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: ids[6], source, severity: 'critical' });
    });
    await eventually(async () => {
      const all = await gateway.call('read', 'GET', `/api/events/source/${source}?limit=100`);
      expect(all.body.items).toHaveLength(7);
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/events?source=${source}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await gateway.call('read', 'GET', query);
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { id: string }[]).map((e) => e.id));
      cursor = page.body.nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const odd = await gateway.call('read', 'GET', `/api/events?source=${source}&type=odd.event`);
    expect((odd.body.items as unknown[]).length).toBe(3);
    const critical = await gateway.call(
      'read',
      'GET',
      `/api/events?source=${source}&severity=critical`,
    );
    expect((critical.body.items as { id: string }[]).map((e) => e.id)).toEqual([ids[6]]);
    const window = await gateway.call(
      'read',
      'GET',
      `/api/events/source/${source}?from=${new Date(base + 2000).toISOString()}&to=${new Date(base + 4000).toISOString()}`,
    );
    expect((window.body.items as { id: string }[]).map((e) => e.id)).toEqual([ids[3], ids[2]]);
  });

  it('stores an id reused at another occurredAt as another event, and answers the latest by id', async () => {
    const source = `reused-${uniqueSuffix()}`;
    const id = '5d0c3a52-7f0e-4b8e-9d3c-2b1a0f9e8d7c';
    const sent = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      ['2026-11-20T10:00:00Z', '2026-11-22T10:00:00Z'].map((occurredAt) => ({
        id,
        type: 'metric.reading',
        source,
        occurredAt,
      })),
    );
    expect(sent.status).toBe(202);
    await eventually(async () => {
      const all = await gateway.call('read', 'GET', `/api/events/source/${source}?limit=10`);
      expect(
        (all.body.items as { id: string; occurredAt: string }[]).map((e) => e.occurredAt),
      ).toEqual(['2026-11-22T10:00:00.000Z', '2026-11-20T10:00:00.000Z']);
    });
    const one = await gateway.call('read', 'GET', `/api/events/${id}`);
    expect(one.body).toMatchObject({ id, occurredAt: '2026-11-22T10:00:00.000Z' });
  });

  it('answers 400 or an empty page to bad and hostile queries, never 500', async () => {
    expect((await gateway.call('read', 'GET', '/api/events/not-a-uuid')).body.message).toBe(
      'id must be a UUID',
    );
    const missing = await gateway.call(
      'read',
      'GET',
      '/api/events/0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
    );
    expect(missing.status).toBe(404);
    const injection = await gateway.call('read', 'GET', "/api/events?type=x'%20OR%201=1--");
    expect(injection.status).toBe(400);
    const sqlSource = await gateway.call('read', 'GET', "/api/events?source=x'%20OR%20'1'='1");
    expect(sqlSource.status).toBe(200);
    expect(sqlSource.body.items).toEqual([]);
    const traversal = await gateway.call(
      'read',
      'GET',
      '/api/events/source/..%2F..%2Fetc%2Fpasswd',
    );
    expect(traversal.status).toBe(200);
    expect(traversal.body.items).toEqual([]);
    expect((await gateway.call('read', 'GET', '/api/events?severity=urgent')).status).toBe(400);
    expect((await gateway.call('read', 'GET', '/api/events?from=yesterday')).status).toBe(400);
    expect(
      (
        await gateway.call(
          'read',
          'GET',
          '/api/events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
        )
      ).body.message,
    ).toBe('from must be earlier than to');
    expect((await gateway.call('read', 'GET', '/api/events?limit=0')).status).toBe(400);
    expect((await gateway.call('ingest', 'GET', '/api/events')).status).toBe(403);
  });
});

import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

/** A rule as the dashboard's editor sends it before saving: no id. */
const RULE = {
  name: 'Payment exceptions per client',
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 5 },
  severity: 'high',
  cooldownSeconds: 0,
  channels: [{ type: 'console' }],
};
const RANGE = 'from=2026-11-22T08:00:00Z&to=2026-11-22T12:00:00Z';

interface Point {
  at: string;
  value: number | null;
  groupKey: string | null;
}
interface Incident {
  groupKey: string;
  openedAt: string;
}

describe('gateway: rule preview (a backtest of an unsaved rule)', () => {
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwpreview');
    const insert = (
      source: string,
      count: number,
      first: string,
      everyMs: number,
      type = 'payment.exception',
    ) =>
      db.query(
        `INSERT INTO events (id, type, source, severity, occurred_at)
         SELECT gen_random_uuid(), $1, $2, 'high', $3::timestamptz + g * $4 * interval '1 millisecond'
           FROM generate_series(0, $5 - 1) g`,
        [type, source, first, everyMs, count],
      );
    // client-a crosses 5 in a minute at 09:00:20, client-b at 10:30:40; client-c never does.
    await insert('client-a', 6, '2026-11-22T09:00:00Z', 5000);
    await insert('client-b', 8, '2026-11-22T10:30:00Z', 10_000);
    await insert('client-c', 4, '2026-11-22T11:00:10Z', 1000);
    await insert('client-d', 9, '2026-11-22T11:10:00Z', 1000, 'login.failed');
    gateway = await startGateway(`gw-preview-${uniqueSuffix()}-`, db.url);
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers for an unsaved rule what the backtest of the same rule saved answers, series included', async () => {
    const preview = await gateway.call('read', 'POST', `/api/rules/preview?${RANGE}`, RULE);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      ruleId: 'preview',
      from: '2026-11-22T08:00:00.000Z',
      to: '2026-11-22T12:00:00.000Z',
      eventsScanned: 18,
      counts: { incidents: 2, resolved: 2, open: 0 },
      truncated: false,
      refusedEvents: 0,
    });
    expect((preview.body.incidents as Incident[]).map((i) => [i.groupKey, i.openedAt])).toEqual([
      ['client-a', '2026-11-22T09:00:20.000Z'],
      ['client-b', '2026-11-22T10:30:40.000Z'],
    ]);
    // Previewing stored nothing.
    expect((await gateway.call('read', 'GET', '/api/rules/preview')).status).toBe(404);
    expect((await gateway.call('read', 'GET', '/api/audit')).body.items).toEqual([]);

    const saved = await gateway.call('admin', 'POST', '/api/rules', { ...RULE, id: 'saved' });
    expect(saved.status).toBe(201);
    const backtest = await gateway.call('read', 'POST', `/api/rules/saved/backtest?${RANGE}`);
    expect(backtest.status).toBe(200);
    expect({ ...backtest.body, ruleId: 'preview' }).toEqual(preview.body);
  });

  it("draws the worst key's count per minute, crossing the threshold in the bucket where each incident opens", async () => {
    const answer = await gateway.call('read', 'POST', `/api/rules/preview?${RANGE}`, RULE);
    const { bucketSeconds, points } = answer.body.series as {
      bucketSeconds: number;
      points: Point[];
    };
    // 4 hours in at most 240 points: a minute each, ending at 08:01 ... 12:00.
    expect(bucketSeconds).toBe(60);
    expect(points).toHaveLength(240);
    expect(points[0].at).toBe('2026-11-22T08:01:00.000Z');
    expect(points.at(-1)!.at).toBe('2026-11-22T12:00:00.000Z');
    for (const incident of answer.body.incidents as Incident[]) {
      const opened = Date.parse(incident.openedAt);
      const after = points.findIndex((point) => Date.parse(point.at) >= opened);
      expect(points[after]).toMatchObject({ groupKey: incident.groupKey });
      expect(points[after].value).toBeGreaterThanOrEqual(5);
      expect(points[after - 1].value ?? 0).toBeLessThan(5);
    }
    // client-c's 4 events are the most any key had at 11:01; before any event there is no value.
    expect(points.find((p) => p.at === '2026-11-22T11:01:00.000Z')).toEqual({
      at: '2026-11-22T11:01:00.000Z',
      value: 4,
      groupKey: 'client-c',
    });
    expect(points[0]).toEqual({ at: '2026-11-22T08:01:00.000Z', value: null, groupKey: null });
    // Only the rule's type counts: login.failed at 11:10 is not in any point.
    expect(points.find((p) => p.at === '2026-11-22T11:11:00.000Z')!.value).toBeNull();
    const above = points.filter((p) => p.value !== null && p.value >= 5).length;
    expect(above).toBeGreaterThan(0);
  });

  it('refuses a bad rule with the reasons POST /api/rules gives, and callers without a read key', async () => {
    const bad = {
      ...RULE,
      window: { kind: 'hopping', seconds: 0 },
      condition: { aggregate: 'median', operator: '~', threshold: 'x' },
    };
    const preview = await gateway.call('read', 'POST', `/api/rules/preview?${RANGE}`, bad);
    expect(preview.status).toBe(400);
    const create = await gateway.call('admin', 'POST', '/api/rules', bad);
    expect(create.status).toBe(400);
    expect(preview.body.message).toEqual(create.body.message);
    expect((preview.body.message as string[]).join('\n')).toContain('"condition.aggregate"');
    const notObject = await gateway.call('read', 'POST', `/api/rules/preview?${RANGE}`, [RULE]);
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toBe('the body must be a JSON object (a rule)');
    const backwards = await gateway.call(
      'read',
      'POST',
      '/api/rules/preview?from=2026-11-22T12:00:00Z&to=2026-11-22T08:00:00Z',
      RULE,
    );
    expect(backwards.status).toBe(400);
    const tooWide = await gateway.call(
      'read',
      'POST',
      '/api/rules/preview?from=2026-11-01T00:00:00Z&to=2026-11-22T12:00:00Z',
      RULE,
    );
    expect(tooWide.body.message).toBe('the time range may span at most 7 days');
    expect((await gateway.call(null, 'POST', `/api/rules/preview?${RANGE}`, RULE)).status).toBe(
      401,
    );
    expect((await gateway.call('ingest', 'POST', `/api/rules/preview?${RANGE}`, RULE)).status).toBe(
      403,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRule, Topic, topicName } from '@app/contracts';
import { AppHarness } from '../support/app-harness';
import { startAlerting } from '../support/alerting';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';
import { TopicRecorder } from '../support/topic-recorder';

/** A channel whose URL carries a credential in its path, as chat and webhook URLs do. */
const SECRET_HOOK = 'http://127.0.0.1:65533/hooks/T000/SECRET-TOKEN';

/** Ids chosen to interleave with the API rules' below, so paging crosses both kinds. */
const RULES_FILE = `rules:
  - id: b-file-crash
    name: App crashes (from the file)
    match: { types: [filetest.crash] }
    window: { kind: sliding, seconds: 60 }
    condition: { operator: '>=', threshold: 2 }
    cooldownSeconds: 0
    channels: [{ type: webhook, url: '${SECRET_HOOK}' }]
  - id: d-file-disabled
    name: Disabled in the file
    enabled: false
    match: { types: [filetest.other] }
    window: { seconds: 60 }
    condition: { operator: '>', threshold: 100 }
  - id: f-file-shadowed
    name: Replaced by a table row of the same id
    match: { types: [filetest.other] }
    window: { seconds: 60 }
    condition: { operator: '>', threshold: 100 }
`;

/** Every rule the API lists, in its order: API rules, file rules, and a row replacing one. */
const ALL_IDS = ['a-api', 'b-file-crash', 'c-api', 'd-file-disabled', 'e-api', 'f-file-shadowed'];

/** The parts of a listed rule the tests read. */
interface ListedRule {
  id: string;
  readOnly: boolean;
  definition: { enabled: boolean; channels: unknown[] };
  state: { activeKeys: number | null; lastFiredAt: string | null };
}

const API_RULE = {
  match: { types: ['apitest.failure'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  cooldownSeconds: 0,
  channels: [{ type: 'console' }],
};

/** How long an incident may take from its events to the incidents table (on this machine). */
const INCIDENT_BOUND_MS = 15000;
/** A state change reaches the API with the next report (5 s) and the gateway reading it. */
const REPORT_BOUND_MS = 10000;

/**
 * Alerting started with a rules file, the gateway, the consumer, on the real broker and
 * database: the rules API lists the file's rules next to its own, with their state, and
 * refuses to change them.
 */
describe('gateway: rules of alerting’s rules file', () => {
  const prefix = `gw-file-rules-${uniqueSuffix()}-`;
  const dir = mkdtempSync(join(tmpdir(), 'file-rules-'));
  const rulesFile = join(dir, 'rules.yaml');
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let alerting: AppHarness;
  let statusTopic: TopicRecorder;
  const apps: AppHarness[] = [];

  const rule = async (id: string, role: 'read' | 'admin' = 'read'): Promise<ListedRule> => {
    const answer = await gateway.call(role, 'GET', `/api/rules/${id}`);
    expect(answer.status).toBe(200);
    return answer.body as ListedRule;
  };
  const idsOf = (items: ListedRule[]) => items.map((item) => item.id);

  beforeAll(async () => {
    writeFileSync(rulesFile, RULES_FILE);
    db = await createScratchDatabase('gwfilerules');
    gateway = await startGateway(prefix, db.url);
    statusTopic = await TopicRecorder.start(testKafka(), topicName(Topic.AlertingStatus, prefix));
    alerting = startAlerting(prefix, { ALERTING_RULES_FILE: rulesFile });
    apps.push(startConsumer(prefix, db.url), alerting);
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/), {
      timeoutMs: 60000,
    });
    // A table row with a file rule's id (made before file rules were read-only, say), stored
    // decoded as the gateway stores every rule.
    const shadowing = decodeRule({ ...API_RULE, id: 'f-file-shadowed', name: 'the table version' });
    if (!shadowing.ok) throw new Error(shadowing.reasons.join('; '));
    await db.query(
      `INSERT INTO alert_rules (id, name, enabled, definition) VALUES ($1, $2, true, $3)`,
      ['f-file-shadowed', 'the table version', JSON.stringify(shadowing.rule)],
    );
    for (const id of ['a-api', 'c-api', 'e-api']) {
      const created = await gateway.call('admin', 'POST', '/api/rules', {
        ...API_RULE,
        id,
        name: id,
      });
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await statusTopic?.stop();
    for (const app of apps) await app.stop();
    await gateway?.app.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the file rules next to the API rules, with origin, readOnly and state', async () => {
    const listed = await eventually(
      async () => {
        const answer = await gateway.call('read', 'GET', '/api/rules');
        expect(answer.status).toBe(200);
        const items = answer.body.items as ListedRule[];
        expect(idsOf(items)).toEqual(ALL_IDS);
        return items;
      },
      { timeoutMs: REPORT_BOUND_MS },
    );
    const byId = Object.fromEntries(listed.map((item) => [item.id, item]));
    expect(byId['b-file-crash']).toMatchObject({
      name: 'App crashes (from the file)',
      enabled: true,
      version: null,
      createdAt: null,
      updatedAt: null,
      origin: { kind: 'file', path: rulesFile },
      readOnly: true,
      state: {
        enabled: true,
        activeKeys: expect.any(Number),
        pendingKeys: 0,
        openIncidents: 0,
        lastFiredAt: null,
        reportedAt: expect.any(String),
      },
    });
    // A read key sees where the rule sends, not its credential; an admin sees it whole.
    expect(byId['b-file-crash'].definition.channels).toEqual([
      { type: 'webhook', url: 'http://127.0.0.1:65533/…' },
    ]);
    expect((await rule('b-file-crash', 'admin')).definition.channels).toEqual([
      { type: 'webhook', url: SECRET_HOOK },
    ]);
    expect(byId['d-file-disabled']).toMatchObject({
      enabled: false,
      readOnly: true,
      state: { enabled: false },
    });
    expect(byId['a-api']).toMatchObject({
      version: 1,
      origin: { kind: 'api' },
      readOnly: false,
      state: { enabled: true, activeKeys: expect.any(Number), openIncidents: 0, lastFiredAt: null },
    });
    // Alerting runs the table's version of an id the file has too: so does the API show.
    expect(byId['f-file-shadowed']).toMatchObject({
      name: 'the table version',
      origin: { kind: 'api' },
      readOnly: false,
    });
    // The operators' summary counts the same rules the list shows.
    const status = await gateway.call('read', 'GET', '/api/status');
    expect(status.body.rules).toEqual({
      loaded: listed.length,
      enabled: listed.filter((item) => item.definition.enabled).length,
      fromFile: listed.filter((item) => item.readOnly).length,
    });
  });

  it('pages through both kinds with one cursor, and filters both by enabled', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await gateway.call(
        'read',
        'GET',
        `/api/rules?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(page.body.items as ListedRule[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(ALL_IDS);
    const disabled = await gateway.call('read', 'GET', '/api/rules?enabled=false');
    expect(idsOf(disabled.body.items as ListedRule[])).toEqual(['d-file-disabled']);
  });

  it('refuses to change a file rule through the API, naming the file', async () => {
    const readOnly = `rule b-file-crash is predefined in ${rulesFile} and read-only: change the file and restart alerting`;
    const attempts = [
      await gateway.call('admin', 'PATCH', '/api/rules/b-file-crash', { enabled: false }),
      await gateway.call('admin', 'PUT', '/api/rules/b-file-crash', { ...API_RULE, name: 'x' }),
      await gateway.call('admin', 'DELETE', '/api/rules/b-file-crash'),
      await gateway.call('admin', 'POST', '/api/rules', {
        ...API_RULE,
        id: 'b-file-crash',
        name: 'x',
      }),
    ];
    for (const answer of attempts) {
      expect({ status: answer.status, message: answer.body.message }).toEqual({
        status: 409,
        message: readOnly,
      });
    }
    // The row replacing a file rule may be changed, not deleted: alerting would drop both.
    const patched = await gateway.call('admin', 'PATCH', '/api/rules/f-file-shadowed', {
      name: 'renamed',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'renamed', origin: { kind: 'api' } });
    const deleted = await gateway.call('admin', 'DELETE', '/api/rules/f-file-shadowed');
    expect(deleted.status).toBe(409);
    expect(deleted.body.message).toContain(`replaces the rule predefined in ${rulesFile}`);
    expect((await rule('b-file-crash')).definition.enabled).toBe(true);
  });

  it('shows the incident a file rule opens, the keys it holds, and backtests it', async () => {
    const source = `crashing-${uniqueSuffix()}`;
    const sent = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      [1, 2].map(() => ({ type: 'filetest.crash', source })),
    );
    expect(sent.status).toBe(202);
    const fired = await eventually(
      async () => {
        const state = (await rule('b-file-crash')).state;
        expect(state).toMatchObject({ openIncidents: 1, lastFiredAt: expect.any(String) });
        expect(state.activeKeys).toBeGreaterThanOrEqual(1);
        return state;
      },
      { timeoutMs: INCIDENT_BOUND_MS + REPORT_BOUND_MS },
    );
    const incidents = await gateway.call('read', 'GET', '/api/incidents?rule=b-file-crash');
    expect(incidents.body.items).toHaveLength(1);
    expect(fired.lastFiredAt).toBe(incidents.body.items[0].openedAt);

    // The events are stored by the consumer apart from the incident: wait for them first.
    await eventually(
      async () => {
        const events = await gateway.call('read', 'GET', `/api/events?source=${source}`);
        expect(events.body.items).toHaveLength(2);
      },
      { timeoutMs: INCIDENT_BOUND_MS },
    );
    const backtest = await gateway.call('read', 'POST', '/api/rules/b-file-crash/backtest');
    expect(backtest.status).toBe(200);
    expect(backtest.body).toMatchObject({ ruleId: 'b-file-crash', counts: { incidents: 1 } });
    expect(backtest.body.incidents[0].groupKey).toBe(source);
  });

  it('skips a status record it cannot read, saying why, and lists the rules as before', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    try {
      await producer.send({
        topic: topicName(Topic.AlertingStatus, prefix),
        messages: [{ key: 'bogus-replica', value: '{"replicaId": "bogus-replica"' }],
      });
    } finally {
      await producer.disconnect();
    }
    await eventually(
      () => expect(gateway.app.output()).toMatch(/status report of bogus-replica skipped: .*JSON/),
      { timeoutMs: REPORT_BOUND_MS },
    );
    expect(gateway.app.running).toBe(true);
    const answer = await gateway.call('read', 'GET', '/api/rules');
    expect(idsOf(answer.body.items as ListedRule[])).toEqual(ALL_IDS);
  });

  it('after alerting stops (tombstone), lists the file rules still, with no keys', async () => {
    const replicaId = String(statusTopic.messages[0]?.key);
    expect(replicaId).toMatch(/^\S+-\d+-[0-9a-f]{8}$/);
    const ofReplica = () => statusTopic.messages.filter((m) => String(m.key) === replicaId);
    // Not awaited yet: the tombstone goes out first, while the rest of alerting shuts down.
    const stopping = alerting.stop();
    const reports = await eventually(
      () => {
        const messages = ofReplica();
        expect(messages[messages.length - 1].value).toBeNull();
        return messages.filter((m) => m.value !== null);
      },
      { timeoutMs: REPORT_BOUND_MS },
    );
    const lastReport = JSON.parse(String(reports[reports.length - 1].value)) as {
      reportedAt: string;
      intervalMs: number;
    };
    const item = await eventually(
      async () => {
        const found = await rule('b-file-crash');
        expect(found.state.activeKeys).toBeNull();
        return found;
      },
      { timeoutMs: REPORT_BOUND_MS },
    );
    // The tombstone did it, not the 3 intervals after which a silent replica counts as gone.
    expect(Date.now()).toBeLessThan(Date.parse(lastReport.reportedAt) + 3 * lastReport.intervalMs);
    await stopping;
    expect(item).toMatchObject({
      origin: { kind: 'file', path: rulesFile },
      readOnly: true,
      state: { activeKeys: null, pendingKeys: null, reportedAt: null, openIncidents: 1 },
    });
    expect((await rule('a-api')).state).toMatchObject({ activeKeys: null, reportedAt: null });
    expect(
      (await gateway.call('admin', 'PATCH', '/api/rules/b-file-crash', { enabled: false })).status,
    ).toBe(409);
  });
});

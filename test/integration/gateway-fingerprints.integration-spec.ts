import { createHash } from 'node:crypto';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

const RULE = {
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  channels: [{ type: 'console' }],
};

describe('gateway: API key fingerprints', () => {
  const prefix = `gw-fp-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway | undefined;

  /** Who the audit log says created a rule through `gateway`. */
  const actorOfNewRule = async (running: RunningGateway, id: string) => {
    expect(
      (await running.call('admin', 'POST', '/api/rules', { ...RULE, id, name: id })).status,
    ).toBe(201);
    const audit = await running.call('read', 'GET', `/api/audit?targetId=${id}`);
    return audit.body.items[0].actor as string;
  };

  beforeAll(async () => {
    db = await createScratchDatabase('gwfp');
  });
  afterEach(async () => {
    await gateway?.app.stop();
    gateway = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names a key alike across restarts without GATEWAY_FINGERPRINT_SECRET, by a secret the database keeps', async () => {
    gateway = await startGateway(prefix, db.url);
    const first = await actorOfNewRule(gateway, 'fp-1');
    await gateway.app.stop();
    gateway = await startGateway(prefix, db.url);
    expect(await actorOfNewRule(gateway, 'fp-2')).toBe(first);
    const plain = createHash('sha256').update(TEST_KEYS.admin).digest('hex').slice(0, 12);
    expect(first).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(first).not.toBe(`admin:${plain}`);
    const [row] = await db.query<{ count: string }>('SELECT count(*) FROM gateway_settings');
    expect(Number(row.count)).toBe(1);
  });

  it('keys fingerprints with GATEWAY_FINGERPRINT_SECRET when it is set', async () => {
    gateway = await startGateway(prefix, db.url);
    const stored = await actorOfNewRule(gateway, 'fp-3');
    await gateway.app.stop();
    gateway = await startGateway(prefix, db.url, {
      GATEWAY_FINGERPRINT_SECRET: 'a-secret-of-this-deployment',
    });
    expect(await actorOfNewRule(gateway, 'fp-4')).not.toBe(stored);
  });
});

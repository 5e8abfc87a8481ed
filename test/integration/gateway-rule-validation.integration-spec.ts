import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

const RULE = {
  name: 'Payment exceptions per client',
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  channels: [{ type: 'console' }],
};

/**
 * POST /api/rules/validate answers what POST /api/rules would, word for word, without storing
 * or publishing anything: the dashboard's rule form shows these reasons as the user types.
 */
describe('gateway: rule validation', () => {
  const prefix = `gw-rule-check-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwrulecheck');
    gateway = await startGateway(prefix, db.url);
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers valid for a rule the create route accepts, and stores nothing', async () => {
    const answer = await gateway.call('read', 'POST', '/api/rules/validate', RULE);
    expect([answer.status, answer.body]).toEqual([200, { valid: true }]);
    const listed = await gateway.call('read', 'GET', '/api/rules');
    expect(listed.body.items).toEqual([]);
  });

  it("gives the create route's own reasons for every kind of refusal", async () => {
    const refused: unknown[] = [
      // the decoder: several reasons at once
      {
        ...RULE,
        window: { kind: 'hopping', seconds: 0 },
        condition: { aggregate: 'median', operator: '~', threshold: 'x' },
        extra: 1,
      },
      // the egress policy: a private address, a port not allowed
      { ...RULE, channels: [{ type: 'webhook', url: 'http://169.254.169.254/latest' }] },
      { ...RULE, channels: [{ type: 'webhook', url: 'http://8.8.8.8:22/' }] },
      // not an object at all
      [RULE],
    ];
    for (const body of refused) {
      const created = await gateway.call('admin', 'POST', '/api/rules', body);
      expect(created.status).toBe(400);
      const checked = await gateway.call('read', 'POST', '/api/rules/validate', body);
      expect(checked.status).toBe(200);
      expect(checked.body).toEqual({
        valid: false,
        reasons: ([] as string[]).concat(created.body.message as string | string[]),
      });
    }
  });

  it('needs a read key: ingest keys and missing keys are refused', async () => {
    expect((await gateway.call('ingest', 'POST', '/api/rules/validate', RULE)).status).toBe(403);
    expect((await gateway.call(null, 'POST', '/api/rules/validate', RULE)).status).toBe(401);
  });
});

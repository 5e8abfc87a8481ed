import { createHash } from 'node:crypto';
import { callWithKey, listKeys, MadeKey, makeKey } from '../support/api-keys';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

const RULE = {
  match: { types: ['payment.exception'] },
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 3 },
  channels: [{ type: 'console' }],
};

interface AuditEntry {
  action: string;
  actor: string;
  before: { revokedAt: string | null } | null;
  after: { revokedAt: string | null };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('gateway: API keys managed at /api/keys', () => {
  const prefix = `gw-keys-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwkeys');
    gateway = await startGateway(prefix, db.url);
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('makes a key shown once that works with its role, is listed without its secret and kept as a SHA-256', async () => {
    const answer = await gateway.call('admin', 'POST', '/api/keys', {
      name: 'dashboard reader',
      role: 'read',
    });
    expect(answer.status).toBe(201);
    const made = answer.body as MadeKey;
    expect(made.key).toMatch(/^emk_[A-Za-z0-9_-]{43}$/);
    expect(made).toMatchObject({
      origin: 'api',
      name: 'dashboard reader',
      role: 'read',
      state: 'active',
      prefix: made.key.slice(0, 8),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const bootstrapAdmin = (await listKeys(gateway)).find((listed) => listed.role === 'admin');
    expect(made.createdBy).toBe(bootstrapAdmin?.id);

    expect((await callWithKey(gateway.url, made.key, 'GET', '/api/rules')).status).toBe(200);
    const post = await callWithKey(gateway.url, made.key, 'POST', '/api/rules', {
      ...RULE,
      name: 'not allowed',
    });
    expect(post.status).toBe(403);
    expect((await callWithKey(gateway.url, made.key, 'GET', '/api/keys')).status).toBe(403);

    const list = await listKeys(gateway);
    const { key, ...metadata } = made;
    expect(list.find((listed) => listed.id === made.id)).toEqual(metadata);
    expect(JSON.stringify(list)).not.toContain(key);
    expect(JSON.stringify(list)).not.toContain(sha256(key));
    expect((await gateway.call('admin', 'GET', `/api/keys/${made.id}`)).body).toEqual(metadata);

    const [row] = await db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [
      made.id,
    ]);
    expect(row.key_hash).toBe(sha256(key));
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it('lists the keys of API_KEYS read-only, by fingerprint, and refuses to revoke them', async () => {
    const items = await listKeys(gateway);
    const bootstrap = items.filter((key) => key.origin === 'environment');
    expect(bootstrap.map((key) => key.role)).toEqual(['read', 'ingest', 'admin']);
    for (const key of bootstrap) {
      expect(key.id).toMatch(/^(read|ingest|admin):[0-9a-f]{12}$/);
      expect(key).toMatchObject({ principalId: key.id, state: 'active', prefix: null });
    }
    const adminId = bootstrap[2].id;
    const refused = await gateway.call('admin', 'DELETE', `/api/keys/${adminId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('API_KEYS');
    expect((await gateway.call('admin', 'GET', `/api/keys/${adminId}`)).body.origin).toBe(
      'environment',
    );
    expect((await gateway.call('read', 'GET', '/api/rules')).status).toBe(200);
    expect(JSON.stringify(items)).not.toContain(TEST_KEYS.admin);
  });

  it('says who a key is at /api/whoami, for every role, without the key', async () => {
    const bootstrap = (await listKeys(gateway)).filter((key) => key.origin === 'environment');
    for (const role of ['read', 'ingest', 'admin'] as const) {
      const answer = await gateway.call(role, 'GET', '/api/whoami');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id: bootstrap.find((key) => key.role === role)!.principalId,
        name: null,
        role,
      });
    }
    const made = await makeKey(gateway, { name: 'whoami ingest', role: 'ingest' });
    const own = await callWithKey(gateway.url, made.key, 'GET', '/api/whoami');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ id: made.principalId, name: 'whoami ingest', role: 'ingest' });
    expect(JSON.stringify(own.body)).not.toContain(made.key);
    expect(JSON.stringify(own.body)).not.toContain(made.prefix);

    expect((await gateway.call(null, 'GET', '/api/whoami')).status).toBe(401);
    const unknown = await callWithKey(
      gateway.url,
      'not-a-key-of-this-gateway',
      'GET',
      '/api/whoami',
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('unknown API key');
    await gateway.call('admin', 'DELETE', `/api/keys/${made.id}`);
    const revoked = await callWithKey(gateway.url, made.key, 'GET', '/api/whoami');
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toBe('API key revoked');
  });

  it('refuses a revoked key at once with "API key revoked", keeps it listed and audits both changes', async () => {
    const made = await makeKey(gateway, { name: 'to revoke', role: 'admin' });
    expect((await callWithKey(gateway.url, made.key, 'GET', '/api/rules')).status).toBe(200);

    expect((await gateway.call('admin', 'DELETE', `/api/keys/${made.id}`)).status).toBe(204);
    const refused = await callWithKey(gateway.url, made.key, 'GET', '/api/rules');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('API key revoked');
    const listed = (await gateway.call('admin', 'GET', `/api/keys/${made.id}`)).body;
    expect(listed.state).toBe('revoked');
    expect(listed.revokedAt).not.toBeNull();
    // Again: nothing changes, nothing more is audited.
    expect((await gateway.call('admin', 'DELETE', `/api/keys/${made.id}`)).status).toBe(204);

    const audit = await gateway.call(
      'read',
      'GET',
      `/api/audit?targetType=api-key&targetId=${made.id}`,
    );
    expect(audit.status).toBe(200);
    const entries = (audit.body as { items: AuditEntry[] }).items;
    expect(entries.map((entry) => entry.action)).toEqual(['api-key.revoked', 'api-key.created']);
    const [revoked, created] = entries;
    expect(created.actor).toBe(revoked.actor);
    expect(created.actor).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(created.after).toMatchObject({ name: 'to revoke', role: 'admin', revokedAt: null });
    expect(revoked.before?.revokedAt).toBeNull();
    expect(revoked.after.revokedAt).toBe(listed.revokedAt);
    expect(JSON.stringify(audit.body)).not.toContain(made.key);
    expect(JSON.stringify(audit.body)).not.toContain(sha256(made.key));
  });

  it('names a made key in the audit log by its principal id, and will not let it revoke itself', async () => {
    const made = await makeKey(gateway, { name: 'self', role: 'admin' });
    const own = await callWithKey(gateway.url, made.key, 'DELETE', `/api/keys/${made.id}`);
    expect(own.status).toBe(409);
    expect(own.body.message).toContain('another admin key');
    const other = await makeKey(gateway, { name: 'other', role: 'read' });
    expect(
      (await callWithKey(gateway.url, made.key, 'DELETE', `/api/keys/${other.id}`)).status,
    ).toBe(204);
    const audit = await gateway.call('read', 'GET', `/api/audit?targetId=${other.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'api-key.revoked',
      actor: made.principalId,
    });
  });

  it('refuses an expired key with "API key expired"', async () => {
    const made = await makeKey(gateway, { name: 'short-lived', role: 'read', ttl: '2s' });
    expect((await callWithKey(gateway.url, made.key, 'GET', '/api/rules')).status).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, new Date(made.expiresAt!).getTime() - Date.now() + 50),
    );
    const refused = await callWithKey(gateway.url, made.key, 'GET', '/api/rules');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('API key expired');
    expect((await gateway.call('admin', 'GET', `/api/keys/${made.id}`)).body.state).toBe('expired');
  });

  it('refuses bad requests with their reasons', async () => {
    const bad = await gateway.call('admin', 'POST', '/api/keys', { name: ' ', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining(['name must not be empty', 'role must be one of read, ingest, admin']),
    );
    const refused: [Record<string, unknown>, unknown][] = [
      [{ name: 'late', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt must be in the future'],
      [
        { name: 'both', expiresAt: '2099-01-01T00:00:00Z', ttl: '1d' },
        'give expiresAt or ttl, not both',
      ],
      [{ name: 'x', ttl: '1y' }, [expect.stringContaining('ttl must be')]],
    ];
    for (const [body, message] of refused) {
      const answer = await gateway.call('admin', 'POST', '/api/keys', { role: 'read', ...body });
      expect({ body, status: answer.status, message: answer.body.message }).toEqual({
        body,
        status: 400,
        message,
      });
    }
    const unknown = await gateway.call(
      'admin',
      'DELETE',
      '/api/keys/6f1c2b9e-1d2a-4c3b-8e7f-0a1b2c3d4e5f',
    );
    expect(unknown.status).toBe(404);
    expect((await gateway.call('admin', 'GET', '/api/keys/nothing')).status).toBe(404);
    const count = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM api_keys WHERE name IN ('late', 'both', 'x')`,
    );
    expect(count[0].n).toBe('0');
  });

  it('records a key last use in the database, written in a batch (here: when the gateway stops)', async () => {
    const made = await makeKey(gateway, { name: 'used', role: 'read' });
    const before = Date.now();
    for (let i = 0; i < 5; i++) {
      expect((await callWithKey(gateway.url, made.key, 'GET', '/api/rules')).status).toBe(200);
    }
    const [unwritten] = await db.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [made.id],
    );
    expect(unwritten.last_used_at).toBeNull();
    await gateway.app.stop();
    const [row] = await db.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [made.id],
    );
    expect(row.last_used_at).not.toBeNull();
    expect(row.last_used_at!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.last_used_at!.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

import { Client } from 'pg';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';

describe('gateway: when the database cannot take a request', () => {
  const prefix = `gw-db-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createScratchDatabase('gwdb');
    // One connection: a single stuck query exhausts the pool.
    gateway = await startGateway(prefix, db.url, { DATABASE_POOL_SIZE: '1' });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers 503 with Retry-After while every connection is busy, then serves again', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE alert_rules IN ACCESS EXCLUSIVE MODE');
      // This request takes the only pooled connection and waits on the lock.
      const stuck = gateway.call('read', 'GET', '/api/rules');
      await eventually(async () => {
        const [{ n }] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        expect(n).toBe(1);
      });

      // This one finds no free connection within the pool's timeout.
      const refused = await gateway.call('read', 'GET', '/api/events');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(refused.body.message).toBe('the database is busy or unavailable; retry shortly');

      await locker.query('ROLLBACK');
      expect((await stuck).status).toBe(200);
    } finally {
      await locker.end();
    }
    const served = await gateway.call('read', 'GET', '/api/events');
    expect(served.status).toBe(200);
  });
});

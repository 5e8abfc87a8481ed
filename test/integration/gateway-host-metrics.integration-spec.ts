import { Client } from 'pg';
import { addDays, dayOf, ensureDayPartitions } from '@app/database';
import { HostMetricType } from '@app/contracts';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { StoredEventSpec, storeEvents } from '../support/stored-events';

/**
 * `GET /api/metrics/live` answers, per host, the newest stored reading of each host metric
 * (per mount for the disk) among the events of the last `within` seconds, from host metric
 * events stored through the consumer's own batch insert.
 */
describe('gateway: live host metrics', () => {
  const prefix = `gw-host-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  // Readings are dated relative to the start; the test runs well within a minute of it.
  const start = Date.now();
  const ago = (seconds: number) => new Date(start - seconds * 1000);
  const iso = (seconds: number) => ago(seconds).toISOString();

  const reading = (
    source: string,
    type: string,
    secondsAgo: number,
    value: number | null,
    payload: Record<string, unknown> | null = null,
  ): StoredEventSpec => ({
    type,
    source,
    severity: 'low',
    occurredAt: ago(secondsAgo),
    value,
    payload,
  });
  const disk = (source: string, secondsAgo: number, value: number, path: string) =>
    reading(source, HostMetricType.Disk, secondsAgo, value, { unit: 'percent', path });

  beforeAll(async () => {
    db = await createScratchDatabase('gwhost');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const today = dayOf(start);
      await ensureDayPartitions(client, [addDays(today, -1), today, addDays(today, 1)]);
    } finally {
      await client.end();
    }
    await storeEvents(db.url, [
      // web-1: several readings of each metric; the newest must win whatever the insert order.
      reading('web-1', HostMetricType.Cpu, 10, 30),
      reading('web-1', HostMetricType.Cpu, 200, 10),
      reading('web-1', HostMetricType.Cpu, 100, 20),
      reading('web-1', HostMetricType.Memory, 20, 55),
      reading('web-1', HostMetricType.Memory, 50, 60),
      disk('web-1', 30, 70, '/'),
      disk('web-1', 5, 71, '/'),
      disk('web-1', 40, 80, '/data'),
      disk('web-1', 90, 85, '/data'),
      reading('web-1', HostMetricType.Load1, 15, 1.5),
      reading('web-1', HostMetricType.Load1, 75, 2.5),
      reading('web-1', HostMetricType.Load5, 15, 1.25),
      reading('web-1', HostMetricType.Load15, 15, 0.75),
      // Outside the default 300 s: only a wider `within` sees it.
      reading('web-1', HostMetricType.Load15, 400, 9),
      // Newer, but no reading: another type, and a host metric without a value.
      reading('web-1', 'payment.exception', 1, 999),
      reading('web-1', HostMetricType.Memory, 2, null),
      // db-1: its CPU reading is older than 300 s, its memory is not.
      reading('db-1', HostMetricType.Cpu, 400, 99),
      reading('db-1', HostMetricType.Memory, 60, 91),
      reading('db-1', HostMetricType.Memory, 120, 89),
      // old-1: nothing in the last 300 s.
      reading('old-1', HostMetricType.Cpu, 1000, 5),
      disk('old-1', 1000, 50, '/'),
    ]);
    gateway = await startGateway(prefix, db.url);
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  it('answers the newest reading per host, metric and mount of the last 300 s', async () => {
    const answer = await gateway.call('read', 'GET', '/api/metrics/live');
    expect(answer.status).toBe(200);
    expect(answer.body.within).toBe(300);
    const generatedAt = Date.parse(answer.body.generatedAt as string);
    expect(generatedAt).toBeGreaterThanOrEqual(start);
    expect(generatedAt).toBeLessThanOrEqual(Date.now());
    expect(answer.body.hosts).toEqual([
      { host: 'db-1', metrics: { memory_percent: { value: 91, at: iso(60) } } },
      {
        host: 'web-1',
        metrics: {
          cpu_percent: { value: 30, at: iso(10) },
          memory_percent: { value: 55, at: iso(20) },
          disk_percent: { '/': { value: 71, at: iso(5) }, '/data': { value: 80, at: iso(40) } },
          load1: { value: 1.5, at: iso(15) },
          load5: { value: 1.25, at: iso(15) },
          load15: { value: 0.75, at: iso(15) },
        },
      },
    ]);
  });

  it('widens the look-back with within', async () => {
    const answer = await gateway.call('read', 'GET', '/api/metrics/live?within=600');
    expect(answer.status).toBe(200);
    expect(answer.body.within).toBe(600);
    const byHost = new Map(
      (answer.body.hosts as { host: string; metrics: Record<string, unknown> }[]).map((h) => [
        h.host,
        h.metrics,
      ]),
    );
    expect([...byHost.keys()]).toEqual(['db-1', 'web-1']);
    expect(byHost.get('db-1')).toEqual({
      cpu_percent: { value: 99, at: iso(400) },
      memory_percent: { value: 91, at: iso(60) },
    });
    // The older load15 reading is now inside the window, but it is not the newest.
    expect(byHost.get('web-1')).toMatchObject({ load15: { value: 0.75, at: iso(15) } });
  });

  it('refuses a within outside 1..86400 and answers only with a key', async () => {
    for (const within of ['0', '86401', '1.5', 'abc']) {
      const answer = await gateway.call('read', 'GET', `/api/metrics/live?within=${within}`);
      expect({ within, status: answer.status }).toEqual({ within, status: 400 });
    }
    expect((await gateway.call(null, 'GET', '/api/metrics/live')).status).toBe(401);
  });
});

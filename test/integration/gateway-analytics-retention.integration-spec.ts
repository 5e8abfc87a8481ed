import { addDays, dayOf, DAY_MS, DEFAULT_RETENTION, runRetentionPass } from '@app/database';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { storeEvents } from '../support/stored-events';

/**
 * What analytics answer for ranges that reach past the events retention, where the consumer's
 * retention pass has deleted the per-minute rollups and counts and only hour and day counts
 * are left.
 */
describe('gateway: analytics past the events retention', () => {
  const prefix = `gw-ret-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  // 40 days ago, past the default 30; its minutes are gone after the pass, its hours are not.
  const day = addDays(dayOf(Date.now()), -40);
  const at = (hhmm: string) => new Date(day + Date.parse(`1970-01-01T${hhmm}:00Z`)).toISOString();
  const recent = Date.now() - 3_600_000;

  beforeAll(async () => {
    db = await createScratchDatabase('gwret');
    await storeEvents(db.url, [
      ...['10:05', '10:20', '10:40', '11:10'].map((hhmm) => ({
        type: 'old.type',
        source: 'old-source',
        severity: 'high' as const,
        occurredAt: new Date(at(hhmm)),
      })),
      ...[0, 1, 2].map((i) => ({
        type: 'new.type',
        source: 'new-source',
        severity: 'low' as const,
        occurredAt: new Date(recent + i * 1000),
      })),
    ]);
    const report = await runRetentionPass(db.url, DEFAULT_RETENTION);
    expect(report.problems).toEqual([]);
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_counts WHERE resolution = 'minute' AND bucket < $1`,
      [new Date(day + DAY_MS)],
    );
    expect(n).toBe(0);
    gateway = await startGateway(prefix, db.url, { GATEWAY_ANALYTICS_SETTLED_SECONDS: '0' });
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  const total = async (from: string, to: string) => {
    const answer = await gateway.call(
      'read',
      'GET',
      `/api/analytics/summary?from=${from}&to=${to}`,
    );
    expect(answer.status).toBe(200);
    return answer.body.totalEvents as number;
  };

  it('counts whole hours where the minutes are gone: an hour counts when it starts inside the range', async () => {
    expect(await total(at('10:00'), at('11:00'))).toBe(3);
    expect(await total(at('10:00'), at('12:00'))).toBe(4);
    // 10:30 -> 11:00: the hour of 10:00 starts before the range. Whatever the cover chosen, the
    // same rule: 10:29 and 10:31 give the same answer, and so does any end within 11:00.
    for (const from of ['10:01', '10:29', '10:30', '10:31', '10:59', '11:00']) {
      expect([from, await total(at(from), new Date().toISOString())]).toEqual([from, 4]);
    }
    for (const to of ['10:01', '10:29', '10:31', '10:59', '11:00']) {
      expect([to, await total(at('09:00'), at(to))]).toEqual([to, 3]);
    }
    // No hour starts inside 10:10-10:50.
    expect(await total(at('10:10'), at('10:50'))).toBe(0);
  });

  it('answers the severity distribution and the time series over the same buckets', async () => {
    const range = `from=${at('10:31')}&to=${new Date().toISOString()}`;
    const severities = await gateway.call(
      'read',
      'GET',
      `/api/analytics/severity-distribution?${range}`,
    );
    expect(severities.body.items).toEqual([
      { severity: 'low', count: 3 },
      { severity: 'medium', count: 0 },
      { severity: 'high', count: 1 },
      { severity: 'critical', count: 0 },
    ]);
    const hours = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=hour&from=${at('08:00')}&to=${at('13:00')}`,
    );
    expect(
      (hours.body.points as { at: string; count: number }[]).filter((p) => p.count > 0),
    ).toEqual([
      { at: at('10:00'), count: 3 },
      { at: at('11:00'), count: 1 },
    ]);
    const days = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=day&${range}&type=old.type`,
    );
    expect(days.body.points[0]).toEqual({ at: new Date(day).toISOString(), count: 1 });
  });

  it('gives 0 where only minutes could answer: a minute series, one type of one source', async () => {
    const minutes = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=minute&from=${at('10:00')}&to=${at('11:00')}`,
    );
    expect(minutes.status).toBe(200);
    expect((minutes.body.points as { count: number }[]).every((p) => p.count === 0)).toBe(true);
    const typeOfSource = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=hour&from=${at('08:00')}&to=${at('13:00')}&type=old.type&source=old-source`,
    );
    expect((typeOfSource.body.points as { count: number }[]).every((p) => p.count === 0)).toBe(
      true,
    );
  });
});

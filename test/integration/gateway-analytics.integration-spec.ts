import { AppHarness } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { storeEvents } from '../support/stored-events';
import { Severity, SEVERITIES } from '@app/contracts';

const H = '2026-11-20T10';

describe('gateway: analytics from the rollups', () => {
  const prefix = `gw-ana-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness | undefined;

  beforeAll(async () => {
    db = await createScratchDatabase('gwana');
    // Events stored by the consumer's own batch insert, which keeps every rollup and count.
    const groups: [string, string, string, Severity, number][] = [
      [`${H}:00:00Z`, 'payment.exception', 'client-1', 'high', 5],
      [`${H}:00:00Z`, 'payment.exception', 'client-2', 'low', 2],
      [`${H}:02:00Z`, 'login.failed', 'client-1', 'critical', 1],
      [`${H}:59:00Z`, 'login.failed', 'client-3', 'low', 4],
      ['2026-11-20T12:30:00Z', 'payment.exception', 'client-1', 'medium', 10],
      // Outside every range queried below.
      ['2026-11-10T00:00:00Z', 'payment.exception', 'client-9', 'high', 1000],
    ];
    await storeEvents(
      db.url,
      groups.flatMap(([minute, type, source, severity, count]) =>
        Array.from({ length: count }, (_, i) => ({
          type,
          source,
          severity,
          // Spread inside the minute: the rollups count by the minute it starts.
          occurredAt: new Date(Date.parse(minute) + (i % 60) * 1000),
        })),
      ),
    );
    await db.query(
      `INSERT INTO incidents (id, rule_id, rule_name, group_key, severity, status, value, aggregate, operator,
         threshold, window_kind, window_seconds, window_start, window_end, opened_at, updated_at)
       SELECT gen_random_uuid(), 'r', 'r', 'k' || n, 'high', s, 1, 'count', '>=', 1, 'sliding', 60,
              '${H}:00:00Z', '${H}:01:00Z', '${H}:01:00Z', now()
         FROM unnest(ARRAY['open', 'open', 'acknowledged', 'resolved']) WITH ORDINALITY AS t(s, n)`,
    );
    // Settled buckets reused for 2 s, so that the late-event test sees them expire quickly.
    gateway = await startGateway(prefix, db.url, { GATEWAY_ANALYTICS_SETTLED_SECONDS: '2' });
  });
  afterAll(async () => {
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  const range = `from=${H}:00:00Z&to=2026-11-20T13:00:00Z`;

  it('summarises totals, types, top sources and incidents by status', async () => {
    const summary = await gateway.call('read', 'GET', `/api/analytics/summary?${range}`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      from: '2026-11-20T10:00:00.000Z',
      to: '2026-11-20T13:00:00.000Z',
      totalEvents: 22,
      byType: [
        { key: 'payment.exception', count: 17 },
        { key: 'login.failed', count: 5 },
      ],
      topSources: [
        { key: 'client-1', count: 16 },
        { key: 'client-3', count: 4 },
        { key: 'client-2', count: 2 },
      ],
    });
    expect(summary.body.incidentsByStatus).toEqual(
      expect.arrayContaining([
        { key: 'open', count: 2 },
        { key: 'acknowledged', count: 1 },
        { key: 'resolved', count: 1 },
      ]),
    );
  });

  it('gives every severity, zero included', async () => {
    const answer = await gateway.call(
      'read',
      'GET',
      `/api/analytics/severity-distribution?${range}`,
    );
    expect(answer.body.items).toEqual([
      { severity: 'low', count: 6 },
      { severity: 'medium', count: 10 },
      { severity: 'high', count: 5 },
      { severity: 'critical', count: 1 },
    ]);
  });

  it('builds minute, hour and day series with empty buckets as 0, filtered by type or source', async () => {
    const minutes = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=minute&from=${H}:00:00Z&to=${H}:04:00Z`,
    );
    expect(minutes.body.points).toEqual([
      { at: `${H}:00:00.000Z`, count: 7 },
      { at: `${H}:01:00.000Z`, count: 0 },
      { at: `${H}:02:00.000Z`, count: 1 },
      { at: `${H}:03:00.000Z`, count: 0 },
    ]);
    const hours = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=hour&${range}`,
    );
    expect((hours.body.points as { count: number }[]).map((p) => p.count)).toEqual([12, 0, 10]);
    const typed = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=hour&${range}&type=login.failed`,
    );
    expect((typed.body.points as { count: number }[]).map((p) => p.count)).toEqual([5, 0, 0]);
    const bySource = await gateway.call(
      'read',
      'GET',
      `/api/analytics/time-series?interval=day&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&source=client-1`,
    );
    expect(bySource.body.points).toEqual([{ at: '2026-11-20T00:00:00.000Z', count: 16 }]);
  });

  it('refuses ranges and values it cannot serve with a 400 that says why', async () => {
    const yearOfMinutes = await gateway.call(
      'read',
      'GET',
      '/api/analytics/time-series?interval=minute&from=2025-11-20T00:00:00Z&to=2026-11-20T00:00:00Z',
    );
    expect(yearOfMinutes.status).toBe(400);
    expect(yearOfMinutes.body.message).toContain('more than 10080');
    const badInterval = await gateway.call(
      'read',
      'GET',
      '/api/analytics/time-series?interval=week',
    );
    expect(badInterval.body.message).toContain('interval must be minute, hour or day');
    const tooLong = await gateway.call(
      'read',
      'GET',
      '/api/analytics/summary?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(tooLong.body.message).toBe('the time range may span at most 366 days');
    const backwards = await gateway.call(
      'read',
      'GET',
      `/api/analytics/summary?from=${H}:05:00Z&to=${H}:00:00Z`,
    );
    expect(backwards.status).toBe(400);
    expect((await gateway.call(null, 'GET', '/api/analytics/summary')).status).toBe(401);
    expect((await gateway.call('ingest', 'GET', '/api/analytics/summary')).status).toBe(403);
  });

  it('stacks the series by type for every range the dashboard asks: the 8 busiest types and other add up to the total', async () => {
    // 11 types on one day, type i with 4(i + 1) events spread over the day. A day of its own,
    // far from the other tests' events: its 30-day range must not read (and keep, for
    // GATEWAY_ANALYTICS_SETTLED_SECONDS) settled buckets where a later test stores events.
    await storeEvents(
      db.url,
      Array.from({ length: 11 }, (_, type) =>
        Array.from({ length: 4 * (type + 1) }, (_, j) => ({
          type: `stack.t${String(type).padStart(2, '0')}`,
          source: `stack-${j % 3}`,
          severity: 'low' as const,
          occurredAt: new Date(
            Date.parse('2025-06-25T00:00:07Z') + ((type * 37 + j * 53) % 1440) * 60_000,
          ),
        })),
      ).flat(),
    );
    type Points = { at: string; count: number }[];
    const ranges: [string, string, string, number][] = [
      ['minute', '2025-06-25T10:00:00Z', '2025-06-25T11:00:00Z', 60],
      ['minute', '2025-06-25T00:00:00Z', '2025-06-26T00:00:00Z', 1440],
      ['hour', '2025-06-25T00:00:00Z', '2025-06-26T00:00:00Z', 24],
      ['hour', '2025-06-19T00:00:00Z', '2025-06-26T00:00:00Z', 168],
      ['day', '2025-05-27T00:00:00Z', '2025-06-26T00:00:00Z', 30],
    ];
    for (const [interval, from, to, buckets] of ranges) {
      const query = `interval=${interval}&from=${from}&to=${to}`;
      const [grouped, plain, summary] = await Promise.all([
        gateway.call('read', 'GET', `/api/analytics/time-series?${query}&groupBy=type`),
        gateway.call('read', 'GET', `/api/analytics/time-series?${query}`),
        gateway.call('read', 'GET', `/api/analytics/summary?from=${from}&to=${to}`),
      ]);
      expect([query, grouped.status]).toEqual([query, 200]);
      const series = grouped.body.series as { key: string; points: Points }[];
      const total = plain.body.points as Points;
      expect(total).toHaveLength(buckets);
      expect(grouped.body).toMatchObject({ interval, from: plain.body.from, to: plain.body.to });
      const byType = summary.body.byType as { key: string; count: number }[];
      expect(series.map((s) => s.key)).toEqual([
        ...byType.slice(0, 8).map((c) => c.key),
        ...(byType.length > 8 ? ['other'] : []),
      ]);
      for (const { points } of series) {
        expect(points.map((p) => p.at)).toEqual(total.map((p) => p.at));
      }
      const stacked = total.map((_, i) => series.reduce((sum, s) => sum + s.points[i].count, 0));
      expect([query, stacked]).toEqual([query, total.map((p) => p.count)]);
      expect(total.some((p) => p.count > 0)).toBe(true);
    }

    // One type's band, hour by hour, against the raw events.
    const day = await gateway.call(
      'read',
      'GET',
      '/api/analytics/time-series?interval=hour&from=2025-06-25T00:00:00Z&to=2025-06-26T00:00:00Z&groupBy=type',
    );
    const busiest = (day.body.series as { key: string; points: Points }[])[0];
    expect(busiest.key).toBe('stack.t10');
    const raw = await db.query<{ hour: Date; count: number }>(
      `SELECT date_trunc('hour', occurred_at) AS hour, count(*)::int AS count FROM events
        WHERE type = 'stack.t10' GROUP BY 1`,
    );
    const rawByHour = new Map(raw.map((r) => [r.hour.toISOString(), r.count]));
    expect(busiest.points.map((p) => p.count)).toEqual(
      busiest.points.map((p) => rawByHour.get(p.at) ?? 0),
    );
    expect(busiest.points.reduce((sum, p) => sum + p.count, 0)).toBe(44);
    const other = (day.body.series as { key: string; points: Points }[]).at(-1)!;
    expect(other.key).toBe('other');
    // t00..t02 are left over: 4 + 8 + 12 events.
    expect(other.points.reduce((sum, p) => sum + p.count, 0)).toBe(24);

    const withType = await gateway.call(
      'read',
      'GET',
      '/api/analytics/time-series?interval=hour&groupBy=type&type=stack.t01',
    );
    expect(withType.status).toBe(400);
    expect(withType.body.message).toBe(
      'groupBy=type counts every event: leave out type and source',
    );
    const bySource = await gateway.call(
      'read',
      'GET',
      '/api/analytics/time-series?interval=hour&groupBy=source',
    );
    expect(bySource.status).toBe(400);
    expect(bySource.body.message).toContain('groupBy must be type');
  });

  it('agrees with a count over the raw events for random ranges that cut days, hours and minutes', async () => {
    // 3,000 events over four days, at random seconds, from 20 sources and 6 types.
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const start = Date.parse('2026-11-01T00:00:00Z');
    const fourDays = 4 * 86_400_000;
    await storeEvents(
      db.url,
      Array.from({ length: 3000 }, () => ({
        type: `random.t${Math.floor(random() * 6)}`,
        source: `random-${Math.floor(random() ** 2 * 20)}`,
        severity: SEVERITIES[Math.floor(random() * 4)],
        occurredAt: new Date(start + Math.floor(random() * fourDays)),
      })),
    );
    const minute = 60_000;
    const up = (time: number) => Math.ceil(time / minute) * minute;
    const counts = async (sql: string, params: unknown[]) =>
      (await db.query<{ key: string; count: number }>(sql, params)).map((r) => ({
        key: String(r.key),
        count: Number(r.count),
      }));

    for (let trial = 0; trial < 12; trial++) {
      const from = start + Math.floor(random() * fourDays);
      const to = Math.min(start + fourDays, from + Math.floor(random() * 3 * 86_400_000) + minute);
      const query = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
      // What the rollups promise: the events of every minute that starts inside [from, to).
      const bounds = [new Date(up(from)), new Date(up(to))];
      const inRange = `occurred_at >= $1 AND occurred_at < $2`;
      const by = (column: string, limit: number) =>
        counts(
          `SELECT ${column} AS key, count(*)::int AS count FROM events WHERE ${inRange}
            GROUP BY 1 ORDER BY count DESC, ${column} COLLATE "C" LIMIT ${limit}`,
          bounds,
        );

      const summary = await gateway.call('read', 'GET', `/api/analytics/summary?${query}`);
      expect(summary.status).toBe(200);
      const [{ count: total }] = await counts(
        `SELECT '' AS key, count(*)::int AS count FROM events WHERE ${inRange}`,
        bounds,
      );
      expect(summary.body.totalEvents).toBe(total);
      expect(summary.body.byType).toEqual(await by('type', 50));
      expect(summary.body.topSources).toEqual(await by('source', 10));

      const severities = await gateway.call(
        'read',
        'GET',
        `/api/analytics/severity-distribution?${query}`,
      );
      const expectedSeverities = new Map((await by('severity', 4)).map((c) => [c.key, c.count]));
      expect(severities.body.items).toEqual(
        SEVERITIES.map((severity) => ({ severity, count: expectedSeverities.get(severity) ?? 0 })),
      );

      const filters: [string, string][] = [
        ['', 'true'],
        ['&type=random.t2', `type = 'random.t2'`],
        ['&source=random-3', `source = 'random-3'`],
        ['&type=random.t1&source=random-0', `type = 'random.t1' AND source = 'random-0'`],
      ];
      for (const interval of ['hour', 'day'] as const) {
        const step = interval === 'hour' ? 3600 : 86_400;
        for (const [filterQuery, filterSql] of filters) {
          const series = await gateway.call(
            'read',
            'GET',
            `/api/analytics/time-series?interval=${interval}&${query}${filterQuery}`,
          );
          expect(series.status).toBe(200);
          const expected = new Map(
            (
              await counts(
                `SELECT (floor(extract(epoch FROM occurred_at) / ${step}) * ${step} * 1000)::bigint AS key,
                        count(*)::int AS count
                   FROM events WHERE ${inRange} AND ${filterSql} GROUP BY 1`,
                bounds,
              )
            ).map((c) => [new Date(Number(c.key)).toISOString(), c.count]),
          );
          for (const point of series.body.points as { at: string; count: number }[]) {
            expect([interval, filterQuery, point.at, point.count]).toEqual([
              interval,
              filterQuery,
              point.at,
              expected.get(point.at) ?? 0,
            ]);
            expected.delete(point.at);
          }
          // No counted event fell outside the points returned.
          expect([...expected.values()].filter((n) => n > 0)).toEqual([]);
        }
      }
    }
  });

  it('counts a late event in buckets it has already read once their counts expire', async () => {
    const query = `from=2026-11-20T09:00:00Z&to=2026-11-20T11:30:00Z`;
    const topSources = async (): Promise<unknown[]> =>
      (await gateway.call('read', 'GET', `/api/analytics/summary?${query}`)).body
        .topSources as unknown[];
    const before = await topSources();
    expect(before).toContainEqual({ key: 'client-1', count: 6 });
    // Into an hour and a minute that settled long ago, as a producer that was offline would.
    await storeEvents(db.url, [
      {
        type: 'late.arrival',
        source: 'client-1',
        severity: 'low',
        occurredAt: new Date(`${H}:30:10Z`),
      },
      {
        type: 'late.arrival',
        source: 'client-late',
        severity: 'low',
        occurredAt: new Date(`${H}:59:30Z`),
      },
    ]);
    const after = await eventually(async () => {
      const sources = await topSources();
      expect(sources).toContainEqual({ key: 'client-1', count: 7 });
      return sources;
    });
    expect(after).toContainEqual({ key: 'client-late', count: 1 });
  });

  it('reads the buckets it keeps again rather than answer a negative count when events are stored late into them', async () => {
    // A gateway that keeps settled buckets for the default 30 s, so they are still kept below.
    const keeping = await startGateway(`${prefix}keep-`, db.url);
    try {
      // A month of empty days, read (and kept) before a producer that was offline stores one.
      const month = await keeping.call(
        'read',
        'GET',
        '/api/analytics/summary?from=2025-02-20T00:00:00Z&to=2025-03-20T00:00:00Z',
      );
      expect(month.body.totalEvents).toBe(0);
      await storeEvents(
        db.url,
        Array.from({ length: 144 }, (_, i) => ({
          type: 'late.day',
          source: 'late-day',
          severity: 'low' as const,
          occurredAt: new Date(Date.parse('2025-03-10T00:05:00Z') + i * 600_000),
        })),
      );
      // From 03:07 the cover counts the kept day in and takes out 3 hours and 7 minutes that
      // were never read before: read now, they hold the late events, the kept day does not.
      const summary = await keeping.call(
        'read',
        'GET',
        '/api/analytics/summary?from=2025-03-10T03:07:00Z&to=2025-03-12T00:00:00Z',
      );
      const [{ count }] = await db.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM events
          WHERE occurred_at >= '2025-03-10T03:07:00Z' AND occurred_at < '2025-03-12T00:00:00Z'`,
      );
      expect(count).toBe(125);
      expect(summary.body.totalEvents).toBe(count);
      expect(summary.body.topSources).toEqual([{ key: 'late-day', count }]);
    } finally {
      await keeping.app.stop();
    }
  });

  it('counts events that come through the real pipeline (consumer rollups)', async () => {
    consumer = startConsumer(prefix, db.url);
    const source = `live-${uniqueSuffix()}`;
    const sent = await gateway.call(
      'ingest',
      'POST',
      '/api/events',
      Array.from({ length: 4 }, () => ({ type: 'live.check', source, severity: 'critical' })),
    );
    expect(sent.status).toBe(202);
    await eventually(async () => {
      const summary = await gateway.call('read', 'GET', '/api/analytics/summary');
      expect(summary.body.byType).toEqual(
        expect.arrayContaining([{ key: 'live.check', count: 4 }]),
      );
      expect(summary.body.topSources).toEqual(expect.arrayContaining([{ key: source, count: 4 }]));
    });
  });
});

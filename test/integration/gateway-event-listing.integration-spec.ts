import { Client } from 'pg';
import { addDays, dayOf, DAY_MS, ensureDayPartitions } from '@app/database';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { StoredEventSpec, storeEvents } from '../support/stored-events';

/**
 * Event listings read the day-partitioned table window by window, newest first: whatever the
 * filters, page size and range, the pages must add up to exactly what one query over the whole
 * table returns, rows in the DEFAULT partition (far past, far future, days without a partition)
 * included, ties on occurred_at included.
 */
describe('gateway: event listings across day partitions', () => {
  const prefix = `gw-list-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  const today = dayOf(Date.now());
  const at = (days: number, ms: number) => new Date(addDays(today, days) + ms);

  beforeAll(async () => {
    db = await createScratchDatabase('gwlist');
    // Partitions for the last 10 days and the next 7, as the consumer's retention pass keeps
    // them; rows outside (45 and 17 days back, 30 days ahead) land in the DEFAULT partition.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const days = Array.from({ length: 18 }, (_, i) => addDays(today, i - 10));
      await ensureDayPartitions(client, days);
    } finally {
      await client.end();
    }
    const events: StoredEventSpec[] = [];
    const dayOffsets = [30, 3, 0, -1, -2, -3, -5, -9, -10, -17, -45];
    for (const days of dayOffsets) {
      for (let i = 0; i < 5; i++) {
        events.push({
          type: i === 0 ? 'rare.type' : 'common.type',
          source: `src-${i % 2}`,
          severity: i === 4 ? 'critical' : 'low',
          // First and last millisecond of the day, and two events at the same instant.
          occurredAt: at(days, [0, 1, 3_600_000, 3_600_000, DAY_MS - 1][i]),
        });
      }
    }
    await storeEvents(db.url, events);
    gateway = await startGateway(prefix, db.url);
  });
  afterAll(async () => {
    await gateway?.app.stop();
    await db?.drop();
  });

  /** What one query over the whole table answers: the reference for the paged listing. */
  async function expected(where = 'true', params: unknown[] = []): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT id FROM events WHERE ${where} ORDER BY occurred_at DESC, id DESC`,
      params,
    );
    return rows.map((row) => row.id);
  }

  /** Every page of `path` (a query string without cursor), each answer checked. */
  async function allPages(path: string): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await gateway.call('read', 'GET', url);
      expect(page.status).toBe(200);
      ids.push(...(page.body.items as { id: string }[]).map((event) => event.id));
      cursor = page.body.nextCursor as string | null;
      pages++;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { ids, pages };
  }

  it('pages through every row newest first, the DEFAULT partition’s far future and past included', async () => {
    const all = await expected();
    expect(all).toHaveLength(55);
    const { ids, pages } = await allPages('/api/events?limit=3');
    expect(ids).toEqual(all);
    expect(pages).toBe(19);
    const first = await gateway.call('read', 'GET', '/api/events?limit=500');
    expect((first.body.items as { id: string }[]).map((event) => event.id)).toEqual(all);
    expect(first.body.nextCursor).toBeNull();
  });

  it('finds sparse matches in every window, with a page size of one', async () => {
    const { ids } = await allPages('/api/events?type=rare.type&limit=1');
    expect(ids).toEqual(await expected(`type = 'rare.type'`));
    expect(ids).toHaveLength(11);
    const critical = await allPages('/api/events/source/src-0?severity=critical&limit=2');
    expect(critical.ids).toEqual(await expected(`source = 'src-0' AND severity = 'critical'`));
    expect(critical.ids).toHaveLength(11);
  });

  it('keeps to a from/to range that starts and ends inside days and at midnight', async () => {
    const ranges: [Date, Date][] = [
      [at(-9, 3_600_000), at(-1, 1)],
      [at(-45, 0), at(-2, 0)],
      [at(-17, DAY_MS - 1), at(31, 0)],
      [at(0, 0), at(0, DAY_MS)],
    ];
    for (const [from, to] of ranges) {
      const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
      const { ids } = await allPages(`/api/events?${range}&limit=4`);
      const want = await expected('occurred_at >= $1 AND occurred_at < $2', [from, to]);
      expect({ range, ids }).toEqual({ range, ids: want });
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it('lists rows stored after the gateway last read the partitions, wherever they land', async () => {
    // 60 days back, before any partition: the row lands in DEFAULT, which the last window
    // reads whatever the gateway's cached idea of the oldest partition.
    await storeEvents(db.url, [
      { type: 'late.type', source: 'late', severity: 'low', occurredAt: at(-60, 5) },
    ]);
    const { ids } = await allPages('/api/events?limit=7');
    expect(ids).toEqual(await expected());
    expect(ids).toHaveLength(56);
  });
});

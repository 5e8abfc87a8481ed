import { cutoff, DEFAULT_RETENTION, planPartitions, retentionCutoffs } from './retention-plan';
import { dayOf } from './utc-days';

const at = (iso: string) => Date.parse(iso);
const day = (date: string) => at(`${date}T00:00:00Z`);
const dates = (days: number[]) => days.map((d) => new Date(d).toISOString().slice(0, 10));

describe('retention cutoffs', () => {
  it('fall on the start of the UTC day `days` before now', () => {
    expect(cutoff(at('2026-12-05T15:30:00Z'), 30)).toBe(day('2026-11-05'));
    expect(cutoff(at('2026-12-05T00:00:00Z'), 30)).toBe(day('2026-11-05'));
    expect(cutoff(at('2026-12-05T23:59:59.999Z'), 1)).toBe(day('2026-12-04'));
  });

  it('keep for ever with 0', () => {
    expect(cutoff(at('2026-12-05T15:30:00Z'), 0)).toBeUndefined();
    expect(
      retentionCutoffs(at('2026-12-05T15:30:00Z'), {
        ...DEFAULT_RETENTION,
        eventsRetentionDays: 0,
        deliveriesRetentionDays: 0,
      }),
    ).toEqual({ counts: day('2025-10-31'), incidents: day('2025-10-31') });
  });

  it('follow each setting: events 30, counts and incidents 400, deliveries 90 days by default', () => {
    expect(retentionCutoffs(at('2026-12-05T15:30:00Z'), DEFAULT_RETENTION)).toEqual({
      events: day('2026-11-05'),
      counts: day('2025-10-31'),
      incidents: day('2025-10-31'),
      deliveries: day('2026-09-06'),
    });
  });
});

describe('the partition plan', () => {
  const now = at('2026-12-05T15:30:00Z');

  it('on an empty table makes yesterday, today and the days ahead', () => {
    const plan = planPartitions(now, DEFAULT_RETENTION, [], []);
    expect(dates(plan.create)).toEqual([
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
      '2026-12-12',
    ]);
    expect(plan.drop).toEqual([]);
  });

  it('makes only what is missing, so a second pass makes nothing', () => {
    const first = planPartitions(now, DEFAULT_RETENTION, [day('2026-12-05')], []);
    expect(first.create).not.toContain(day('2026-12-05'));
    expect(first.create).toHaveLength(8);
    expect(
      planPartitions(now, DEFAULT_RETENTION, [day('2026-12-05'), ...first.create], []),
    ).toEqual({ create: [], drop: [] });
  });

  it('with 0 days ahead makes yesterday and today only', () => {
    const plan = planPartitions(now, { ...DEFAULT_RETENTION, partitionsAheadDays: 0 }, [], []);
    expect(dates(plan.create)).toEqual(['2026-12-04', '2026-12-05']);
  });

  it('drops the partitions that end at or before the cutoff, and keeps the one starting on it', () => {
    const existing = ['2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].map(day);
    const plan = planPartitions(
      now,
      { ...DEFAULT_RETENTION, partitionsAheadDays: 0 },
      existing,
      [],
    );
    // The cutoff is 2026-11-05 00:00: the 4th ends exactly on it.
    expect(dates(plan.drop)).toEqual(['2026-11-03', '2026-11-04']);
  });

  it('keeps every partition with 0 (for ever)', () => {
    const existing = [day('1971-01-01'), day('2020-02-29')];
    const plan = planPartitions(
      now,
      { ...DEFAULT_RETENTION, eventsRetentionDays: 0 },
      existing,
      [],
    );
    expect(plan.drop).toEqual([]);
  });

  it('keeps yesterday with a retention of 1 day, and drops the day before', () => {
    const existing = [day('2026-12-03'), day('2026-12-04')];
    const plan = planPartitions(
      now,
      { ...DEFAULT_RETENTION, eventsRetentionDays: 1, partitionsAheadDays: 0 },
      existing,
      [],
    );
    expect(dates(plan.drop)).toEqual(['2026-12-03']);
    expect(dates(plan.create)).toEqual(['2026-12-05']);
  });

  it('gives the days held in the default partition within the kept window their own partition', () => {
    const daysInDefault = [
      '1971-01-01',
      '2026-11-04',
      '2026-11-20',
      '2026-12-12',
      '2026-12-13',
      '9999-12-31',
    ].map(day);
    const plan = planPartitions(now, DEFAULT_RETENTION, [], daysInDefault);
    // 2026-11-04 is before the cutoff (its rows are deleted instead); 2026-12-13 is past the last
    // day made ahead (2026-12-12), so it waits in the default partition with the far future.
    expect(dates(plan.create)).toEqual(expect.arrayContaining(['2026-11-20', '2026-12-12']));
    expect(dates(plan.create)).not.toContain('1971-01-01');
    expect(plan.create).toHaveLength(10);
    expect(plan.create).not.toContain(day('2026-11-04'));
    expect(plan.create).not.toContain(day('2026-12-13'));

    const forEver = planPartitions(
      now,
      { ...DEFAULT_RETENTION, eventsRetentionDays: 0 },
      [],
      daysInDefault,
    );
    expect(dates(forEver.create)).toContain('1971-01-01');
    expect(dates(forEver.create)).toContain('2026-11-04');
    expect(forEver.create).not.toContain(day('9999-12-31'));
  });

  it('works at any time of the day, in UTC whatever the local time zone', () => {
    const lastMs = planPartitions(at('2026-12-05T23:59:59.999Z'), DEFAULT_RETENTION, [], []);
    const firstMs = planPartitions(at('2026-12-05T00:00:00.000Z'), DEFAULT_RETENTION, [], []);
    expect(lastMs).toEqual(firstMs);
    expect(lastMs.create.every((d) => d === dayOf(d))).toBe(true);
  });
});

import { newestFirstWindows, TimeWindow } from './newest-first-windows';

const day = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const NOW = Date.parse('2026-12-05T16:30:00Z');

/** Windows as ISO dates, '' for an open side. */
function describeWindows(windows: Iterable<TimeWindow>): string[] {
  const iso = (ms?: number): string => (ms === undefined ? '' : new Date(ms).toISOString());
  return [...windows].map((w) => `${iso(w.from)}..${iso(w.to)}`);
}

describe('newestFirstWindows', () => {
  it('starts at the newest day, open above, then doubles back to the first partition and opens below', () => {
    expect(
      describeWindows(newestFirstWindows({ newest: NOW, oldestPartitionDay: day('2026-11-05') })),
    ).toEqual([
      '2026-12-05T00:00:00.000Z..',
      '2026-12-04T00:00:00.000Z..2026-12-05T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z..2026-12-04T00:00:00.000Z',
      '2026-11-28T00:00:00.000Z..2026-12-02T00:00:00.000Z',
      '2026-11-20T00:00:00.000Z..2026-11-28T00:00:00.000Z',
      '..2026-11-20T00:00:00.000Z',
    ]);
  });

  it('covers all time without gaps or overlaps, newest first', () => {
    const windows = [...newestFirstWindows({ newest: NOW, oldestPartitionDay: day('2025-01-01') })];
    expect(windows[0].to).toBeUndefined();
    expect(windows[windows.length - 1].from).toBeUndefined();
    for (let i = 1; i < windows.length; i++) expect(windows[i].to).toBe(windows[i - 1].from);
    // 703 days of partitions in 11 queries: the newest day, 1 + 2 + ... + 256 days, the rest.
    expect(windows).toHaveLength(11);
  });

  it('reads everything at once below the newest day when no day has a partition', () => {
    expect(describeWindows(newestFirstWindows({ newest: NOW }))).toEqual([
      '2026-12-05T00:00:00.000Z..',
      '..2026-12-05T00:00:00.000Z',
    ]);
  });

  it('stops at the window holding the listing’s own lower bound', () => {
    const windows = newestFirstWindows({
      newest: NOW,
      oldest: Date.parse('2026-12-03T12:00:00Z'),
      oldestPartitionDay: day('2026-11-05'),
    });
    expect(describeWindows(windows)).toEqual([
      '2026-12-05T00:00:00.000Z..',
      '2026-12-04T00:00:00.000Z..2026-12-05T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z..2026-12-04T00:00:00.000Z',
    ]);
  });

  it('reads one window when the lower bound falls in the newest day', () => {
    const windows = newestFirstWindows({
      newest: NOW,
      oldest: Date.parse('2026-12-05T01:00:00Z'),
      oldestPartitionDay: day('2026-11-05'),
    });
    expect(describeWindows(windows)).toEqual(['2026-12-05T00:00:00.000Z..']);
  });
});

import { buildMessageSet } from './message-set';
import { comparedRanges, plannedRequests } from './url-plan';

const set = buildMessageSet({
  seed: 7,
  events: 2000,
  anchor: Date.parse('2026-12-05T16:00:00Z'),
  partitions: 6,
  idReuses: 0,
});
const requests = plannedRequests({ windows: set.windows, sources: set.sources, ids: ['x'] });

describe('plannedRequests', () => {
  it('asks well over 1,000 URLs, every analytics route among them', () => {
    expect(requests.length).toBeGreaterThan(1000);
    for (const route of ['summary', 'severity-distribution', 'time-series']) {
      expect(requests.some((r) => r.path.startsWith(`/api/analytics/${route}?`))).toBe(true);
    }
    for (const interval of ['minute', 'hour', 'day']) {
      expect(requests.some((r) => r.path.includes(`interval=${interval}&`))).toBe(true);
    }
  });

  it('names from and to in every analytics request, so no answer depends on the time it is asked', () => {
    for (const { path } of requests.filter((r) => r.kind === 'analytics')) {
      const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
      expect([path, query.has('from') && query.has('to')]).toEqual([path, true]);
    }
  });

  it('reaches the data 10 and 40 days back, and past it', () => {
    const anchor = set.windows.anchor;
    const ages = comparedRanges(set.windows).map((r) => (anchor - Date.parse(r.from)) / 86_400_000);
    expect(ages.some((age) => age > 10 && age < 11)).toBe(true);
    expect(ages.some((age) => age > 40 && age < 41)).toBe(true);
    expect(ages.some((age) => age < 0)).toBe(true);
    expect(ages.some((age) => age > 366)).toBe(true);
  });

  it('follows keyset pages of listings', () => {
    expect(
      requests.filter((r) => r.kind === 'listing' && (r.followPages ?? 0) >= 3).length,
    ).toBeGreaterThan(10);
  });
});

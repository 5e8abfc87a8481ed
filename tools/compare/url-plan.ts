/**
 * The gateway requests both builds answer: every analytics route over ranges inside, across
 * and past the data, at each granularity, with type and source filters; event listings with
 * their filters and keyset pages; events by id; the dead letters. Every analytics request
 * names its from and to, so no answer depends on when it was asked.
 */
import { SEVERITIES } from '@app/contracts';
import { TYPES } from './event-bodies';
import { DataWindows, DAY_MS, dayStart, HOUR_MS } from './message-set';

export type RequestKind = 'analytics' | 'listing' | 'event' | 'dead letters';

export interface PlannedRequest {
  kind: RequestKind;
  /** Path and query, encoded. */
  path: string;
  /** How many further pages to follow by nextCursor (each compared too). */
  followPages?: number;
}

export interface UrlPlanInput {
  windows: DataWindows;
  sources: { busiest: string[]; rare: string[]; awkward: string[] };
  /** Ids to ask for one by one (stored, duplicated, conflicting, unknown...). */
  ids: string[];
}

const MINUTE_MS = 60_000;
const SECOND_MS = 1000;
/** A time series holds at most this many points (apps/gateway/src/analytics/time-buckets.ts). */
const MAX_POINTS = 10_080;

interface Range {
  from: string;
  to: string;
}

const iso = (time: number) => new Date(time).toISOString();
/** The same instant as seen two hours west of UTC, as a client in another zone writes it. */
const westIso = (time: number) =>
  `${new Date(time - 2 * HOUR_MS).toISOString().slice(0, 19)}-02:00`;
const range = (from: number, to: number): Range => ({ from: iso(from), to: iso(to) });

/** Ranges over the whole data, inside it, across its day and hour boundaries, and past it. */
export function comparedRanges(w: DataWindows): Range[] {
  const a = w.anchor;
  const today = dayStart(a);
  const ten = dayStart(a - 10 * DAY_MS);
  const forty = dayStart(a - 40 * DAY_MS);
  const ranges: Range[] = [
    // All of it, and as far as a range may reach.
    range(forty - DAY_MS, a + 2 * DAY_MS),
    range(a - 366 * DAY_MS, a),
    range(a - 365 * DAY_MS - 7 * HOUR_MS - 13 * MINUTE_MS, a + DAY_MS),
    range(a - 60 * DAY_MS, a + 2 * DAY_MS),
    range(a - 45 * DAY_MS, a - 5 * DAY_MS),
    range(a - 11 * DAY_MS, a),
    // The bulk, and parts of it.
    range(w.main.from, w.main.to),
    range(a - DAY_MS, a),
    range(a - 6 * HOUR_MS, a),
    range(a - HOUR_MS, a),
    range(a - 15 * MINUTE_MS, a),
    range(today - 2 * DAY_MS, today - DAY_MS),
    range(today - DAY_MS, today),
    range(today - 3 * DAY_MS, today),
    range(today - DAY_MS - 90 * MINUTE_MS, today - DAY_MS + 90 * MINUTE_MS),
    range(a - 30 * HOUR_MS, a - 29 * HOUR_MS),
    range(a - 5 * HOUR_MS, a - 2 * HOUR_MS),
    range(a - 13 * HOUR_MS - 7 * MINUTE_MS, a - 2 * HOUR_MS - 51 * MINUTE_MS),
    range(a - 50 * HOUR_MS + 17 * MINUTE_MS + 23_456, a - 20 * HOUR_MS + 3 * MINUTE_MS + 500),
    range(a - 71 * HOUR_MS + 59 * SECOND_MS, a - HOUR_MS - SECOND_MS),
    range(a - 47 * HOUR_MS + 1, a - 25 * HOUR_MS - 1),
    { from: westIso(a - 40 * HOUR_MS), to: westIso(a - 16 * HOUR_MS + 30 * MINUTE_MS) },
    // Around the bursts.
    ...w.bursts.flatMap((burst) => [
      range(burst - 2 * MINUTE_MS, burst + 6 * MINUTE_MS),
      range(burst + MINUTE_MS + 30 * SECOND_MS, burst + 2 * MINUTE_MS + 15 * SECOND_MS),
    ]),
    // On, just before and just after boundaries that have events on them.
    ...w.boundaries.flatMap((b) => [
      range(b, b + MINUTE_MS),
      range(b - MINUTE_MS, b),
      range(b - SECOND_MS, b + SECOND_MS),
      range(b + 1, b + 2 * HOUR_MS),
    ]),
    // Ten days back: the backfill across a UTC midnight.
    range(w.tenDaysBack.from, w.tenDaysBack.to),
    range(ten - DAY_MS, ten + DAY_MS),
    range(ten - 30 * MINUTE_MS + 12 * SECOND_MS, ten + 45 * MINUTE_MS),
    range(ten, ten + HOUR_MS),
    range(ten - HOUR_MS, ten),
    // Forty days back: a backfill inside one day.
    range(w.fortyDaysBack.from, w.fortyDaysBack.to),
    range(forty, forty + DAY_MS),
    range(forty + 10 * HOUR_MS + 31 * MINUTE_MS, forty + 12 * HOUR_MS + 5 * MINUTE_MS),
    range(forty + 9 * HOUR_MS - 7 * MINUTE_MS, forty + 14 * HOUR_MS + 59 * MINUTE_MS + 59_999),
    range(forty - DAY_MS, forty + 2 * DAY_MS),
    range(forty, ten + DAY_MS),
    // Where there is nothing: between the backfills, before all data, after it.
    range(a - 20 * DAY_MS, a - 19 * DAY_MS),
    range(a - 100 * DAY_MS, a - 50 * DAY_MS),
    range(a + 3 * DAY_MS, a + 4 * DAY_MS),
    // Ahead: the events a skewed producer dated tomorrow.
    range(a, a + 2 * DAY_MS),
    range(w.ahead.from, w.ahead.to),
    // Less than a minute: no whole minute starts inside some of them.
    range(a - 10 * HOUR_MS + 30 * SECOND_MS, a - 10 * HOUR_MS + 45 * SECOND_MS),
    range(a - 10 * HOUR_MS, a - 10 * HOUR_MS + 1),
    // Refused: too wide, empty, reversed.
    range(a - 367 * DAY_MS, a),
    range(a - HOUR_MS, a - HOUR_MS),
    range(a, a - HOUR_MS),
  ];
  return ranges;
}

const INTERVALS = ['minute', 'hour', 'day'] as const;
const STEP_MS = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;

/** What the gateway counts for a range at an interval (time-buckets.ts: bucketCount). */
function points(r: Range, interval: (typeof INTERVALS)[number]): number {
  const step = STEP_MS[interval];
  const from = Date.parse(r.from);
  return Math.ceil((Date.parse(r.to) - Math.floor(from / step) * step) / step);
}

const query = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&');

/** Every type the data holds, and one it does not. */
const SERIES_TYPES = [...TYPES, 'legacy.batch-job', 'edge.value', 'boundary.tick', 'no.such-type'];

function seriesFilters(input: UrlPlanInput, index: number): Record<string, string>[] {
  const { busiest, rare, awkward } = input.sources;
  const sources = [
    ...busiest,
    ...rare,
    ...awkward,
    'host-03',
    'svc-search',
    'unknown',
    'admin-console',
    'no-such-source',
  ];
  const combos: [string, string][] = [
    ['payment.exception', busiest[0]],
    ['host.cpu:usage', 'host-03'],
    ['api/latency', 'svc-checkout'],
    ['legacy.batch-job', 'unknown'],
    ['order.created', rare[0] ?? busiest[1]],
    ['login.failed', awkward[index % awkward.length]],
    ['host.memory', busiest[0]],
  ];
  const at = <T>(items: readonly T[], n: number) => items[n % items.length];
  return [
    {},
    { type: at(SERIES_TYPES, 2 * index) },
    { type: at(SERIES_TYPES, 2 * index + 1) },
    { source: at(sources, 2 * index) },
    { source: at(sources, 2 * index + 1) },
    { type: at(combos, index)[0], source: at(combos, index)[1] },
  ];
}

function analyticsRequests(input: UrlPlanInput): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  const add = (path: string) => requests.push({ kind: 'analytics', path });
  comparedRanges(input.windows).forEach((r, index) => {
    const span = query({ from: r.from, to: r.to });
    add(`/api/analytics/summary?${span}`);
    add(`/api/analytics/severity-distribution?${span}`);
    for (const interval of INTERVALS) {
      // A refused range is asked once per interval: the refusal is compared, not repeated.
      const refused = points(r, interval) > MAX_POINTS || Date.parse(r.from) >= Date.parse(r.to);
      const filters: Record<string, string>[] = refused ? [{}] : seriesFilters(input, index);
      for (const filter of filters) {
        add(`/api/analytics/time-series?${query({ interval, from: r.from, to: r.to, ...filter })}`);
      }
    }
  });
  // Parameters the gateway refuses.
  const { from, to } = range(input.windows.main.from, input.windows.main.to);
  add(`/api/analytics/time-series?${query({ interval: 'week', from, to })}`);
  add(`/api/analytics/time-series?${query({ interval: 'hour', from, to, type: 'bad type' })}`);
  add(`/api/analytics/summary?${query({ from: 'yesterday', to })}`);
  return requests;
}

function listingRequests(input: UrlPlanInput): PlannedRequest[] {
  const w = input.windows;
  const requests: PlannedRequest[] = [];
  const add = (params: Record<string, string | number | undefined>, followPages = 0) =>
    requests.push({ kind: 'listing', path: `/api/events?${query(params)}`, followPages });
  const bySource = (source: string, params: Record<string, string | number | undefined>) =>
    requests.push({
      kind: 'listing',
      path: `/api/events/source/${encodeURIComponent(source)}?${query(params)}`,
      followPages: 2,
    });

  add({}, 5);
  add({ limit: 1000 }, 8);
  add({ limit: 1 }, 3);
  add({ limit: 7 }, 10);
  for (const type of SERIES_TYPES) add({ type, limit: 100 }, 3);
  for (const severity of SEVERITIES) add({ severity, limit: 200 }, 3);
  const { busiest, rare, awkward } = input.sources;
  for (const source of [...busiest, ...rare, ...awkward, 'unknown', 'route-1', 'no-such-source']) {
    add({ source, limit: 50 }, 2);
  }
  const windows = [
    range(w.tenDaysBack.from, w.tenDaysBack.to),
    range(w.fortyDaysBack.from, w.fortyDaysBack.to),
    range(w.ahead.from - DAY_MS, w.ahead.to + DAY_MS),
    range(w.anchor - 20 * DAY_MS, w.anchor - 19 * DAY_MS),
    range(w.anchor - 100 * DAY_MS, w.anchor - 50 * DAY_MS),
    range(w.main.from, w.main.from + HOUR_MS),
    ...w.boundaries.map((b) => range(b - MINUTE_MS, b + MINUTE_MS)),
    ...w.bursts.map((b) => range(b, b + 4 * MINUTE_MS)),
  ];
  for (const r of windows) add({ from: r.from, to: r.to, limit: 100 }, 3);
  for (const r of windows.slice(0, 3)) add({ from: r.from }, 2);
  add({ to: iso(w.fortyDaysBack.to) }, 2);
  add({ type: 'payment.exception', severity: 'critical', limit: 25 }, 4);
  add({ type: 'host.cpu:usage', source: 'host-03', severity: 'high', limit: 40 }, 2);
  add({ source: busiest[0], from: iso(w.main.from), to: iso(w.main.from + DAY_MS) }, 3);
  add(
    {
      severity: 'medium',
      from: iso(w.tenDaysBack.from),
      to: iso(w.fortyDaysBack.to + 30 * DAY_MS),
    },
    3,
  );
  bySource(busiest[0], { limit: 100 });
  bySource(busiest[1], { type: 'login.failed', severity: 'low' });
  for (const source of awkward) bySource(source, { limit: 20 });
  bySource('unknown', { from: iso(w.main.from), to: iso(w.main.to) });
  // Refused parameters.
  add({ limit: 0 });
  add({ limit: 1001 });
  add({ severity: 'urgent' });
  add({ cursor: 'not-a-cursor' });
  add({ from: iso(w.anchor), to: iso(w.anchor - HOUR_MS) });
  return requests;
}

export function plannedRequests(input: UrlPlanInput): PlannedRequest[] {
  return [
    ...analyticsRequests(input),
    ...listingRequests(input),
    ...input.ids.map((id): PlannedRequest => ({ kind: 'event', path: `/api/events/${id}` })),
    { kind: 'dead letters', path: '/api/dlq?limit=1000' },
  ];
}

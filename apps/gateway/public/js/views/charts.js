// Charts people read: event rate by type (stacked, top types and "other"), the busiest
// sources and the severity mix, for a range chosen among 1 h, 24 h, 7 d and 30 d, all from the
// analytics API (stored counts, never raw events).
import { api, queryString } from '../api.js';
import { h, showError } from '../dom.js';
import { drawBarChart, drawTimeChart } from '../chart.js';
import { href } from '../router.js';

const HOUR = 3_600_000;
/** Each range with the bucket that gives it a readable number of points (60, 24, 168, 30). */
const RANGES = {
  '1h': { label: '1 h', span: HOUR, interval: 'minute' },
  '24h': { label: '24 h', span: 24 * HOUR, interval: 'hour' },
  '7d': { label: '7 d', span: 7 * 24 * HOUR, interval: 'hour' },
  '30d': { label: '30 d', span: 30 * 24 * HOUR, interval: 'day' },
};
const SVG = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 30_000;
/** Bar charts side by side: a narrower viewBox keeps their text as large as the rate chart's. */
const HALF_WIDTH = 420;

function svg(id, label) {
  const element = document.createElementNS(SVG, 'svg');
  element.setAttribute('id', id);
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', label);
  return element;
}

export function chartsView(container, route) {
  const key = RANGES[route.params.get('range')] ? route.params.get('range') : '1h';
  const range = RANGES[key];
  const rate = svg('chart-rate', 'events by type over time, stacked');
  const sources = svg('chart-sources', 'the busiest sources');
  const severities = svg('chart-severity', 'events by severity');
  const total = h('span', { id: 'chart-total', class: 'muted' });
  container.append(
    h(
      'section',
      { id: 'charts-section' },
      h('h2', {}, 'Events ', total),
      h(
        'nav',
        { class: 'toolbar ranges', 'aria-label': 'range' },
        Object.entries(RANGES).map(([name, r]) =>
          h(
            'a',
            {
              href: href('charts', { range: name }),
              class: 'range',
              'data-range': name,
              'aria-current': name === key ? 'true' : null,
            },
            r.label,
          ),
        ),
      ),
      h(
        'h3',
        {},
        'Event rate by type ',
        h('small', { class: 'muted' }, `per ${range.interval}, stacked`),
      ),
      rate,
      h(
        'div',
        { class: 'two-columns' },
        h('div', {}, h('h3', {}, 'Top sources'), sources),
        h('div', {}, h('h3', {}, 'Severity'), severities),
      ),
    ),
  );
  const load = async () => {
    const to = new Date();
    const from = new Date(to - range.span);
    const span = { from: from.toISOString(), to: to.toISOString() };
    const [series, summary, distribution] = await Promise.all([
      api(
        'GET',
        `/api/analytics/time-series${queryString({ interval: range.interval, ...span, groupBy: 'type' })}`,
      ),
      api('GET', `/api/analytics/summary${queryString(span)}`),
      api('GET', `/api/analytics/severity-distribution${queryString(span)}`),
    ]);
    total.textContent = `${summary.totalEvents} in the last ${range.label}`;
    drawTimeChart(rate, {
      series: series.series.map((s) => ({
        label: s.key,
        points: s.points.map((p) => ({ at: Date.parse(p.at), value: p.count })),
      })),
      from: from.getTime(),
      to: to.getTime(),
      stacked: true,
    });
    drawBarChart(
      sources,
      summary.topSources.map((s) => ({ label: s.key, value: s.count })),
      { width: HALF_WIDTH },
    );
    drawBarChart(
      severities,
      distribution.items.map((s) => ({ label: s.severity, value: s.count })),
      { width: HALF_WIDTH },
    );
  };
  load().catch((error) => showError(error.message));
  const timer = setInterval(() => load().catch((error) => showError(error.message)), REFRESH_MS);
  return () => clearInterval(timer);
}

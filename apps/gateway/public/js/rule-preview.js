// "Will this rule be noisy?": runs the rule being edited over stored events before it is saved
// (POST /api/rules/preview, alerting's own engine, notifies nobody) and draws its aggregate over
// time against the threshold, marking where incidents would have opened.
import { api, ApiError, queryString } from './api.js';
import { h, formatTime, fromLocalInput, toLocalInput } from './dom.js';
import { drawTimeChart } from './chart.js';

const HOUR = 3_600_000;
const RANGES = [
  ['1h', 'last hour', HOUR],
  ['6h', 'last 6 h', 6 * HOUR],
  ['24h', 'last 24 h', 24 * HOUR],
  ['7d', 'last 7 days', 7 * 24 * HOUR],
  ['custom', 'chosen range', null],
];
const SVG = 'http://www.w3.org/2000/svg';

export function createPreview(currentRule) {
  const range = h(
    'select',
    { id: 'rule-preview-range', 'aria-label': 'preview range' },
    RANGES.map(([value, label]) => h('option', { value, selected: value === '24h' }, label)),
  );
  const now = new Date();
  const from = h('input', {
    type: 'datetime-local',
    id: 'rule-preview-from',
    value: toLocalInput(new Date(now - 24 * HOUR)),
    hidden: true,
  });
  const to = h('input', {
    type: 'datetime-local',
    id: 'rule-preview-to',
    value: toLocalInput(now),
    hidden: true,
  });
  range.addEventListener('change', () => (from.hidden = to.hidden = range.value !== 'custom'));
  const run = h('button', { type: 'button', id: 'rule-preview-run' }, 'Preview');
  const summary = h('p', { id: 'rule-preview-summary', role: 'status' });
  const chart = document.createElementNS(SVG, 'svg');
  chart.setAttribute('id', 'rule-preview-chart');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', "the rule's aggregate over time against its threshold");
  chart.setAttribute('hidden', '');
  const list = h('ul', { id: 'rule-preview-incidents', class: 'compact' });
  const element = h(
    'div',
    { id: 'rule-preview', class: 'preview' },
    h(
      'h3',
      {},
      'Preview ',
      h('small', { class: 'muted' }, 'the rule over stored events, before saving; notifies nobody'),
    ),
    h('div', { class: 'toolbar' }, range, from, to, run),
    summary,
    chart,
    list,
  );

  run.addEventListener('click', async () => {
    const span = RANGES.find(([value]) => value === range.value)[2];
    const end = span ? new Date() : new Date(fromLocalInput(to.value));
    const start = span ? new Date(end - span) : new Date(fromLocalInput(from.value));
    run.disabled = true;
    summary.className = '';
    summary.textContent = 'running…';
    try {
      const result = await api(
        'POST',
        `/api/rules/preview${queryString({ from: start.toISOString(), to: end.toISOString() })}`,
        currentRule(),
      );
      show(result, start, end);
    } catch (error) {
      summary.className = 'invalid';
      summary.textContent = error instanceof ApiError ? error.reasons.join('; ') : error.message;
      chart.setAttribute('hidden', '');
      list.replaceChildren();
    } finally {
      run.disabled = false;
    }
  });

  function show(result, start, end) {
    const rule = currentRule();
    const { incidents, resolved, open } = result.counts;
    summary.textContent =
      `${incidents} incident${incidents === 1 ? '' : 's'} would have opened (${resolved} resolved, ${open} still open) ` +
      `in ${result.eventsScanned} events, ${formatTime(result.from)} to ${formatTime(result.to)}` +
      (result.truncated ? '; only the first ones are listed' : '') +
      (result.refusedEvents
        ? `; ${result.refusedEvents} events of keys beyond the cap not evaluated`
        : '');
    summary.dataset.incidents = String(incidents);
    chart.removeAttribute('hidden');
    drawTimeChart(chart, {
      series: seriesOf(result.series.points),
      from: start.getTime(),
      to: end.getTime(),
      threshold: rule.condition && rule.condition.threshold,
      markers: result.incidents.map((i) => ({
        at: Date.parse(i.openedAt),
        label: `opened ${formatTime(i.openedAt)} for ${i.groupKey} at ${i.value}`,
      })),
    });
    list.replaceChildren(
      ...result.incidents
        .slice(0, 20)
        .map((i) =>
          h(
            'li',
            {},
            `${formatTime(i.openedAt)} · ${i.groupKey} · ${i.value ?? ''}`,
            i.resolvedAt ? ` · resolved ${formatTime(i.resolvedAt)}` : ' · still open',
          ),
        ),
    );
  }

  return {
    element,
    /** The rule changed since the last preview: say so rather than show an outdated answer. */
    stale() {
      if (summary.textContent && !summary.classList.contains('stale')) {
        summary.classList.add('stale');
        summary.textContent += ' (the rule changed since: preview again)';
      }
    },
  };
}

/**
 * The API gives one point per bucket: the value of the group key nearest to firing at that
 * instant (the one an incident would open for first), named on hover. Null: no key had events.
 */
function seriesOf(points) {
  return [
    {
      label: 'aggregate',
      points: points.map((p) => ({ at: Date.parse(p.at), value: p.value, note: p.groupKey })),
    },
  ];
}

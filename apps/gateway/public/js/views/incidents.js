// The live incident list: newest first, updated by the stream without a reload, with
// Acknowledge and Resolve for admin keys and a link to each incident's detail.
import { h, actionButton, formatTime, severityBadge, statusBadge } from '../dom.js';
import { allIncidents, actOn, subscribe } from '../incidents-store.js';
import { canWrite } from '../session.js';
import { href } from '../router.js';

const SHOWN = 100;
const STATUSES = ['', 'open', 'acknowledged', 'resolved'];

export function incidentsView(container, route) {
  const status = route.params.get('status') ?? '';
  const filter = h(
    'select',
    {
      id: 'incident-status',
      'aria-label': 'status',
      onchange: (e) => (location.hash = href('incidents', { status: e.target.value })),
    },
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s || 'every status')),
  );
  const body = h('tbody', { id: 'incidents' });
  container.append(
    h(
      'section',
      { id: 'incidents-section' },
      h('h2', {}, 'Incidents ', h('small', { class: 'muted' }, 'live')),
      h('div', { class: 'toolbar' }, filter),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['opened', 'severity', 'rule', 'key', 'value', 'status', ''].map((t) => h('th', {}, t)),
          ),
        ),
        body,
      ),
    ),
  );
  const render = () => {
    const shown = allIncidents()
      .filter((incident) => !status || incident.status === status)
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
      .slice(0, SHOWN);
    body.replaceChildren(...shown.map(incidentRow));
    if (shown.length === 0)
      body.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'no incidents')));
  };
  render();
  return subscribe(render);
}

function incidentRow(incident) {
  return h(
    'tr',
    { dataset: { incidentId: incident.id } },
    h('td', {}, formatTime(incident.openedAt)),
    h('td', {}, severityBadge(incident.severity)),
    h(
      'td',
      {},
      h('a', { href: href(`incidents/${incident.id}`), class: 'incident-link' }, incident.ruleName),
    ),
    h('td', {}, incident.groupKey),
    h('td', {}, `${incident.value} ${incident.operator} ${incident.threshold}`),
    h('td', {}, statusBadge(incident.status)),
    h('td', { class: 'actions' }, incidentActions(incident)),
  );
}

/** The buttons an admin key gets for an incident in this state (forward only). */
export function incidentActions(incident) {
  if (!canWrite()) return [];
  return [
    incident.status === 'open' &&
      actionButton('Acknowledge', () => actOn(incident.id, 'acknowledge')),
    incident.status !== 'resolved' && actionButton('Resolve', () => actOn(incident.id, 'resolve')),
  ].filter(Boolean);
}

// Starts the dashboard: asks for a key (kept in localStorage), learns its role, follows the
// live incident stream for as long as the page is open, and shows the view the address names.
import { apiKey, setApiKey } from './api.js';
import { $, showError } from './dom.js';
import { clearIncidents, loadIncidents, putIncident } from './incidents-store.js';
import { followIncidents } from './live.js';
import { startRouter } from './router.js';
import { clearSession, loadSession, session } from './session.js';
import { chartsView } from './views/charts.js';
import { deadLettersView } from './views/dead-letters.js';
import { eventsView } from './views/events.js';
import { incidentDetailView } from './views/incident-detail.js';
import { incidentsView } from './views/incidents.js';
import { rulesView } from './views/rules.js';

const VIEWS = Object.fromEntries(
  Object.entries({
    incidents: (container, route) =>
      route.segments[1] ? incidentDetailView(container, route) : incidentsView(container, route),
    rules: rulesView,
    events: eventsView,
    dlq: deadLettersView,
    charts: chartsView,
  }).map(([name, view]) => [
    name,
    (container, route) => (session() ? view(container, route) : null),
  ]),
);

let stopStream = null;

function markNav(name) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function start(show) {
  showError('');
  stopStream?.();
  clearSession();
  clearIncidents();
  $('#view').replaceChildren();
  if (!apiKey()) {
    $('#connection').textContent = 'enter an API key';
    $('#whoami').textContent = '';
    return;
  }
  try {
    const me = await loadSession();
    $('#whoami').textContent = `${me.name ?? me.id} (${me.role})`;
    document.body.dataset.role = me.role;
    await loadIncidents();
  } catch (error) {
    $('#connection').textContent = 'not connected';
    showError(error.message);
    return;
  }
  stopStream = followIncidents({
    onMessage: (message) => message.incident && putIncident(message.incident),
    onState: (state) => {
      $('#connection').textContent = state;
      $('#connection').className = state === 'live' ? 'live' : 'muted';
    },
    onReconnect: () => loadIncidents().catch((error) => showError(error.message)),
  });
  show();
}

document.addEventListener('DOMContentLoaded', () => {
  const show = startRouter(VIEWS, 'incidents', $('#view'), (name) => {
    showError('');
    markNav(name);
  });
  $('#api-key').value = apiKey();
  $('#key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey($('#api-key').value.trim());
    start(show);
  });
  start(show);
});

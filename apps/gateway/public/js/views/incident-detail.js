// One incident: what opened it, its timeline (opened, acknowledged, resolved, by whom), the
// events that triggered it (each a link into the events browser) and every delivery attempt
// per channel with its outcome, all from GET /api/incidents/:id. A live message about this
// incident reloads it.
import { api } from '../api.js';
import { h, formatTime, severityBadge, statusBadge, showError } from '../dom.js';
import { subscribe } from '../incidents-store.js';
import { href } from '../router.js';
import { incidentActions } from './incidents.js';

const REFRESH_MS = 5000;

export function incidentDetailView(container, route) {
  const id = route.segments[1];
  const section = h('section', { id: 'incident-detail' }, h('p', { class: 'muted' }, 'loading…'));
  container.append(section);
  let stopped = false;
  const load = async () => {
    try {
      const incident = await api('GET', `/api/incidents/${encodeURIComponent(id)}`);
      if (!stopped) section.replaceChildren(...renderDetail(incident));
    } catch (error) {
      showError(error.message);
    }
  };
  load();
  const unsubscribe = subscribe((incident) => incident.id === id && load());
  // Delivery attempts are stored after the lifecycle message that caused them, and retries
  // come later still: read the detail again while it is shown.
  const timer = setInterval(load, REFRESH_MS);
  return () => {
    stopped = true;
    unsubscribe();
    clearInterval(timer);
  };
}

function renderDetail(incident) {
  return [
    h('p', {}, h('a', { href: href('incidents') }, '← incidents')),
    h('h2', {}, `${incident.ruleName} `, h('small', { class: 'muted' }, incident.groupKey)),
    h(
      'div',
      { class: 'toolbar', dataset: { incidentId: incident.id } },
      severityBadge(incident.severity),
      ' ',
      statusBadge(incident.status),
      ' ',
      incidentActions(incident),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact(
        'condition',
        `${incident.aggregate} was ${incident.value} when it opened (fires when ${incident.operator} ${incident.threshold})`,
      ),
      fact(
        'window',
        `${incident.windowKind}, ${incident.windowSeconds} s: ${formatTime(incident.windowStart)} to ${formatTime(incident.windowEnd)}`,
      ),
      fact('rule', incident.ruleId),
      fact('incident id', incident.id),
    ),
    h('h3', {}, 'Timeline'),
    timeline(incident),
    h(
      'h3',
      {},
      `Triggering events `,
      h('small', { class: 'muted' }, String(incident.eventIds.length)),
    ),
    triggeringEvents(incident),
    h('h3', {}, 'Deliveries'),
    deliveries(incident.deliveries),
  ];
}

const fact = (term, value) => [h('dt', {}, term), h('dd', {}, value)];

function timeline(incident) {
  const steps = [
    { what: 'opened', at: incident.openedAt, by: 'alerting' },
    { what: 'acknowledged', at: incident.acknowledgedAt, by: incident.acknowledgedBy },
    { what: 'resolved', at: incident.resolvedAt, by: incident.resolvedBy },
  ];
  return h(
    'ol',
    { class: 'timeline', id: 'incident-timeline' },
    steps.map((step) =>
      h(
        'li',
        { class: step.at ? 'done' : 'pending', dataset: { step: step.what } },
        h('strong', {}, step.what),
        ' ',
        step.at
          ? [formatTime(step.at), ' by ', h('code', {}, step.by ?? 'unknown')]
          : h('span', { class: 'muted' }, 'not yet'),
      ),
    ),
  );
}

function triggeringEvents(incident) {
  const rows = incident.events.map((event) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h(
          'a',
          { href: href(`events/${event.id}`), class: 'event-link' },
          formatTime(event.occurredAt),
        ),
      ),
      h('td', {}, event.type),
      h('td', {}, event.source),
      h('td', {}, severityBadge(event.severity)),
      h('td', {}, event.value ?? ''),
    ),
  );
  return h(
    'div',
    {},
    h(
      'table',
      { id: 'incident-events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['occurred', 'type', 'source', 'severity', 'value'].map((t) => h('th', {}, t)),
        ),
      ),
      h('tbody', {}, rows),
    ),
    incident.missingEventIds.length > 0 &&
      h('p', { class: 'muted' }, `not stored (yet): ${incident.missingEventIds.join(', ')}`),
  );
}

/** Attempts grouped by channel (its index in the rule), oldest first within each. */
function deliveries(list) {
  if (list.length === 0)
    return h(
      'p',
      { class: 'muted', id: 'incident-deliveries' },
      'no delivery attempts recorded yet',
    );
  const channels = new Map();
  for (const d of [...list].sort((a, b) => a.at.localeCompare(b.at))) {
    const key = `${d.channelIndex}`;
    if (!channels.has(key)) channels.set(key, []);
    channels.get(key).push(d);
  }
  return h(
    'div',
    { id: 'incident-deliveries' },
    [...channels.values()].map((attempts) =>
      h(
        'div',
        { class: 'channel', dataset: { channel: attempts[0].channelType } },
        h(
          'h4',
          {},
          `#${attempts[0].channelIndex} ${attempts[0].channelType} `,
          h('small', { class: 'muted' }, attempts[0].target),
        ),
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['at', 'message', 'attempt', 'outcome', 'status', 'error', 'ms'].map((t) =>
                h('th', {}, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            attempts.map((d) =>
              h(
                'tr',
                {},
                h('td', {}, formatTime(d.at)),
                h('td', {}, d.kind),
                h('td', {}, `${d.attempt}/${d.maxAttempts}`),
                h('td', {}, h('span', { class: `badge outcome-${d.outcome}` }, d.outcome)),
                h('td', {}, d.statusCode ?? ''),
                h('td', {}, d.error ?? ''),
                h('td', {}, d.durationMs),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

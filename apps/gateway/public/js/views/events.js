// The events browser: the API's filters (type, source, severity, time range) kept in the
// address so a filtered view can be linked to, keyset paging through nextCursor, and each
// payload shown formatted. #/events/<id> shows one event.
import { api, latestOnly, queryString, isAbort } from '../api.js';
import { h, formatTime, fromLocalInput, toLocalInput, severityBadge, showError } from '../dom.js';
import { href } from '../router.js';

const PAGE_SIZE = 25;
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const FILTERS = ['type', 'source', 'severity', 'from', 'to'];

export function eventsView(container, route) {
  if (route.segments[1]) return oneEvent(container, route.segments[1]);
  const filters = Object.fromEntries(FILTERS.map((name) => [name, route.params.get(name) ?? '']));
  const form = filterForm(filters);
  const body = h('tbody', { id: 'events' });
  const pageLabel = h('span', { id: 'events-page', class: 'muted' });
  const previous = h('button', { type: 'button', id: 'events-previous' }, '← newer');
  const next = h('button', { type: 'button', id: 'events-next' }, 'older →');
  container.append(
    h(
      'section',
      { id: 'events-section' },
      h('h2', {}, 'Events ', h('small', { class: 'muted' }, 'newest first')),
      form,
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['occurred', 'type', 'source', 'severity', 'value', 'payload'].map((t) =>
              h('th', {}, t),
            ),
          ),
        ),
        body,
      ),
      h('div', { class: 'pager' }, previous, pageLabel, next),
    ),
  );
  // The cursors of the pages before this one, so "newer" can step back.
  const cursors = [];
  let cursor = '';
  let nextCursor = null;
  const call = latestOnly();
  const load = async () => {
    try {
      const query = queryString({ ...filters, limit: PAGE_SIZE, cursor });
      const page = await call('GET', `/api/events${query}`);
      nextCursor = page.nextCursor;
      body.replaceChildren(...page.items.flatMap(eventRows));
      if (page.items.length === 0)
        body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no events match')));
      pageLabel.textContent = `page ${cursors.length + 1}`;
      previous.disabled = cursors.length === 0;
      next.disabled = !nextCursor;
      // Which question the rows answer, for whoever waits for a page to change (tests).
      body.dataset.query = query;
    } catch (error) {
      if (!isAbort(error)) showError(error.message);
    }
  };
  next.addEventListener('click', () => {
    cursors.push(cursor);
    cursor = nextCursor;
    load();
  });
  previous.addEventListener('click', () => {
    cursor = cursors.pop() ?? '';
    load();
  });
  load();
}

function filterForm(filters) {
  const input = (name, attributes) => h('input', { name, value: filters[name], ...attributes });
  const local = (name) => (filters[name] ? toLocalInput(new Date(filters[name])) : '');
  return h(
    'form',
    {
      id: 'events-filter',
      class: 'toolbar',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        location.hash = href('events', {
          type: data.get('type').trim(),
          source: data.get('source').trim(),
          severity: data.get('severity'),
          from: fromLocalInput(data.get('from')),
          to: fromLocalInput(data.get('to')),
        });
      },
    },
    h('label', {}, 'type ', input('type', { placeholder: 'payment.exception' })),
    h('label', {}, 'source ', input('source', { placeholder: 'client-42' })),
    h(
      'label',
      {},
      'severity ',
      h(
        'select',
        { name: 'severity' },
        ['', ...SEVERITIES].map((s) =>
          h('option', { value: s, selected: s === filters.severity }, s || 'any'),
        ),
      ),
    ),
    h(
      'label',
      {},
      'from ',
      h('input', { name: 'from', type: 'datetime-local', value: local('from') }),
    ),
    h('label', {}, 'to ', h('input', { name: 'to', type: 'datetime-local', value: local('to') })),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { href: href('events') }, 'clear'),
  );
}

/** The event's row, and a hidden row below it with its payload, opened by its button. */
function eventRows(event) {
  const payload = h(
    'tr',
    { class: 'payload-row', hidden: true },
    h('td', { colspan: 6 }, payloadBlock(event.payload)),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'payload-toggle',
      onclick: () => {
        payload.hidden = !payload.hidden;
        toggle.textContent = payload.hidden ? 'show' : 'hide';
      },
    },
    'show',
  );
  return [
    h(
      'tr',
      { dataset: { eventId: event.id } },
      h('td', {}, h('a', { href: href(`events/${event.id}`) }, formatTime(event.occurredAt))),
      h('td', {}, event.type),
      h('td', {}, event.source),
      h('td', {}, severityBadge(event.severity)),
      h('td', {}, event.value ?? ''),
      h('td', {}, event.payload === null ? h('span', { class: 'muted' }, 'none') : toggle),
    ),
    payload,
  ];
}

const payloadBlock = (payload) =>
  h(
    'pre',
    { class: 'payload' },
    typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2),
  );

function oneEvent(container, id) {
  const section = h('section', { id: 'event-detail' }, h('p', { class: 'muted' }, 'loading…'));
  container.append(section);
  api('GET', `/api/events/${encodeURIComponent(id)}`).then(
    (event) =>
      section.replaceChildren(
        h('p', {}, h('a', { href: href('events') }, '← events')),
        h('h2', {}, `${event.type} `, h('small', { class: 'muted' }, event.source)),
        h(
          'dl',
          { class: 'facts' },
          [
            ['id', event.id],
            ['occurred', formatTime(event.occurredAt)],
            ['received', formatTime(event.receivedAt)],
            ['severity', severityBadge(event.severity)],
            ['value', event.value ?? ''],
          ].map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
        ),
        h('h3', {}, 'Payload'),
        event.payload === null ? h('p', { class: 'muted' }, 'none') : payloadBlock(event.payload),
        h(
          'p',
          {},
          h('a', { href: href('events', { type: event.type }) }, `every ${event.type} event`),
          ' · ',
          h(
            'a',
            { href: href('events', { source: event.source }) },
            `everything from ${event.source}`,
          ),
        ),
      ),
    (error) => {
      section.replaceChildren(h('p', { class: 'muted' }, 'not found'));
      showError(error.message);
    },
  );
}

// Dead letters of events.dlq (GET /api/dlq): why each was refused and at which stage. An admin
// key may replay one as it was, or corrected in an editor prefilled with the original event
// (POST /api/dlq/replay); the answer names the event it became, linked to the events browser.
import { api, ApiError } from '../api.js';
import { h, actionButton, formatTime, formatJsonText, showError } from '../dom.js';
import { canWrite } from '../session.js';
import { href } from '../router.js';

const LIMIT = 100;

export function deadLettersView(container) {
  const body = h('tbody', { id: 'dead-letters' });
  container.append(
    h(
      'section',
      { id: 'dead-letters-section' },
      h('h2', {}, 'Dead letters ', h('small', { class: 'muted' }, `newest ${LIMIT} of events.dlq`)),
      h(
        'div',
        { class: 'toolbar' },
        actionButton('Reload', () => load()),
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
            ['failed', 'stage', 'reasons', 'key', 'original', ''].map((t) => h('th', {}, t)),
          ),
        ),
        body,
      ),
    ),
  );
  const load = async () => {
    const letters = await api('GET', `/api/dlq?limit=${LIMIT}`);
    body.replaceChildren(...letters.flatMap(letterRows));
    if (letters.length === 0)
      body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no dead letters')));
  };
  load().catch((error) => showError(error.message));
}

function letterRows(letter) {
  const row = h(
    'tr',
    { dataset: { dlqId: letter.id } },
    h(
      'td',
      {},
      formatTime(letter.failedAt),
      h('div', { class: 'muted' }, `${letter.id} · ${letter.service ?? ''}`),
    ),
    h('td', {}, h('span', { class: 'badge' }, letter.stage ?? 'unknown')),
    h(
      'td',
      {},
      h(
        'ul',
        { class: 'reasons' },
        letter.reasons.map((r) => h('li', {}, r)),
      ),
    ),
    h('td', {}, letter.key ?? ''),
    h(
      'td',
      {},
      h(
        'pre',
        { class: 'payload small' },
        letter.value ?? `(${letter.valueBytes} bytes, not text)`,
      ),
    ),
  );
  return canWrite() ? [row, ...replayControls(letter, row)] : [row];
}

/** Replay buttons in the row, and the row below it with the correction editor (admin only). */
function replayControls(letter, row) {
  const outcome = h('div', { class: 'replay-outcome', role: 'status' });
  const editor = h('textarea', {
    class: 'correction',
    rows: 8,
    spellcheck: 'false',
    'aria-label': 'corrected event',
  });
  editor.value = formatJsonText(letter.value ?? '');
  const editorRow = h(
    'tr',
    { class: 'editor-row', hidden: true },
    h(
      'td',
      { colspan: 6 },
      h('p', { class: 'muted' }, 'The event as it will be published to events again:'),
      editor,
      actionButton('Replay corrected', () => replay(letter.id, outcome, editor.value), {
        class: 'replay-corrected',
      }),
    ),
  );
  row.append(
    h(
      'td',
      { class: 'actions' },
      actionButton('Replay', () => replay(letter.id, outcome), { class: 'replay' }),
      h(
        'button',
        { type: 'button', class: 'correct', onclick: () => (editorRow.hidden = !editorRow.hidden) },
        'Correct…',
      ),
      outcome,
    ),
  );
  return [editorRow];
}

/** Replays one dead letter, with `correctedText` (JSON) instead of its bytes when given. */
async function replay(id, outcome, correctedText) {
  let body = { ids: [id] };
  if (correctedText !== undefined) {
    try {
      body = { ...body, corrections: { [id]: JSON.parse(correctedText) } };
    } catch (error) {
      outcome.replaceChildren(h('span', { class: 'invalid' }, `not valid JSON: ${error.message}`));
      return;
    }
  }
  try {
    const answer = await api('POST', '/api/dlq/replay', body);
    const { eventId } = answer.replayed[0];
    outcome.replaceChildren(
      'replayed as ',
      h('a', { href: href(`events/${eventId}`), class: 'replayed-event' }, eventId),
    );
    showError('');
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    outcome.replaceChildren(h('span', { class: 'invalid' }, error.reasons.join('; ')));
  }
}

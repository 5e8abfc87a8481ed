// Every rule that can open an incident: those made through the API and the predefined ones of
// alerting's rules file (read-only, with the file they come from), each with its state. Admin
// keys also get the editor (form, JSON and preview) and the change buttons.
import { api } from '../api.js';
import { h, actionButton, formatTime, severityBadge, showError } from '../dom.js';
import { canWrite } from '../session.js';
import { createRuleEditor } from '../rule-form.js';
import { describeCondition } from '../rule-model.js';

export function rulesView(container) {
  const body = h('tbody', { id: 'rules' });
  const editor = canWrite() ? createRuleEditor({ onSaved: () => load() }) : null;
  container.append(
    h(
      'section',
      { id: 'rules-section' },
      h('h2', {}, 'Rules'),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['name', 'origin', 'matches', 'condition', 'severity', 'state', ''].map((t) =>
              h('th', {}, t),
            ),
          ),
        ),
        body,
      ),
    ),
    editor && editor.element,
  );
  const load = async () => {
    const page = await api('GET', '/api/rules?limit=1000');
    body.replaceChildren(...page.items.map((item) => ruleRow(item, editor, load)));
    if (page.items.length === 0)
      body.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'no rules')));
  };
  load().catch((error) => showError(error.message));
}

function ruleRow(item, editor, reload) {
  const rule = item.definition;
  const fromFile = item.origin && item.origin.kind === 'file';
  return h(
    'tr',
    { dataset: { ruleId: item.id, origin: fromFile ? 'file' : 'api' } },
    h(
      'td',
      {},
      h('strong', {}, item.name),
      rule.description && h('div', { class: 'muted' }, rule.description),
    ),
    h(
      'td',
      { class: 'origin' },
      fromFile
        ? [
            h('span', { class: 'badge read-only' }, 'read-only'),
            ' ',
            h('code', {}, item.origin.path),
          ]
        : 'API',
    ),
    h(
      'td',
      {},
      rule.match.types.join(', '),
      rule.match.sources.length > 0 &&
        h('div', { class: 'muted' }, `from ${rule.match.sources.join(', ')}`),
    ),
    h(
      'td',
      {},
      describeCondition(rule),
      rule.forSeconds ? h('div', { class: 'muted' }, `for ${rule.forSeconds} s`) : null,
    ),
    h('td', {}, severityBadge(rule.severity)),
    h('td', { class: 'state' }, ruleState(item)),
    h('td', { class: 'actions' }, editor ? ruleActions(item, editor, reload) : []),
  );
}

/** enabled, active (and pending) keys, open incidents, last fired: what alerting reported. */
function ruleState(item) {
  const state = item.state;
  const enabled = h(
    'span',
    { class: `badge ${item.enabled ? 'enabled' : 'disabled'}`, 'data-role': 'enabled' },
    item.enabled ? 'enabled' : 'disabled',
  );
  if (!state) return enabled;
  const keys = (n) => (n === null || n === undefined ? '?' : String(n));
  return [
    enabled,
    h(
      'div',
      {},
      `${keys(state.activeKeys)} active keys`,
      state.pendingKeys ? `, ${state.pendingKeys} pending` : '',
    ),
    h('div', { 'data-role': 'open-incidents' }, `${state.openIncidents} open incidents`),
    h(
      'div',
      { class: 'muted' },
      state.lastFiredAt ? `last fired ${formatTime(state.lastFiredAt)}` : 'never fired',
    ),
  ];
}

function ruleActions(item, editor, reload) {
  if (item.readOnly) {
    return [actionButton('Copy to new rule', async () => editor.edit(null, item.definition))];
  }
  const id = encodeURIComponent(item.id);
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
  remove.addEventListener('click', async () => {
    // Two clicks: a misclick does not delete a rule.
    if (remove.dataset.armed !== 'yes') {
      remove.dataset.armed = 'yes';
      remove.textContent = 'Really delete?';
      return;
    }
    try {
      await api('DELETE', `/api/rules/${id}`);
      await reload();
    } catch (error) {
      showError(error.message);
    }
  });
  return [
    actionButton('Edit', async () => editor.edit(item)),
    actionButton(item.enabled ? 'Disable' : 'Enable', async () => {
      await api('PATCH', `/api/rules/${id}`, { enabled: !item.enabled });
      await reload();
    }),
    remove,
  ];
}

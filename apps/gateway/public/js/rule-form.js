// The rule editor: a form with a field for every part of a rule and, beside it, the same rule
// as JSON; editing either updates the other. As the user types, the rule is checked by the
// gateway's own validator (POST /api/rules/validate, debounced) and its reasons are shown and
// pinned to the fields they name. The preview below it runs the rule over stored events.
import { api, ApiError } from './api.js';
import { h, showError } from './dom.js';
import { channelRow, readChannel } from './rule-channels.js';
import { createPreview } from './rule-preview.js';
import {
  AGGREGATES,
  NEW_RULE,
  OPERATORS,
  SEVERITIES,
  WINDOW_KINDS,
  getPath,
  pathsOfReason,
  setPath,
} from './rule-model.js';

const VALIDATE_DEBOUNCE_MS = 300;

/** The simple fields: [path, label, kind, options]. Channels have an editor of their own. */
const FIELDS = [
  ['id', 'id', 'text', { placeholder: 'generated when empty' }],
  ['name', 'name', 'text'],
  ['description', 'description', 'text', { optional: true }],
  ['enabled', 'enabled', 'checkbox'],
  ['match.types', 'event types', 'list', { placeholder: 'payment.exception, db.*' }],
  ['match.sources', 'sources', 'list', { placeholder: 'any source' }],
  ['match.minSeverity', 'minimum severity', 'select', { choices: SEVERITIES }],
  [
    'groupBy',
    'group by',
    'text',
    { placeholder: 'source, none or payload.field', list: 'group-by-choices' },
  ],
  ['window.kind', 'window', 'select', { choices: WINDOW_KINDS }],
  ['window.seconds', 'window seconds', 'number', { min: 1 }],
  ['condition.aggregate', 'aggregate', 'select', { choices: AGGREGATES }],
  ['condition.operator', 'operator', 'select', { choices: OPERATORS }],
  ['condition.threshold', 'threshold', 'number', { step: 'any' }],
  ['forSeconds', 'for (seconds held)', 'number', { min: 0 }],
  ['severity', 'severity', 'select', { choices: SEVERITIES }],
  ['cooldownSeconds', 'cooldown seconds', 'number', { min: 0 }],
  ['autoResolve', 'auto-resolve', 'checkbox'],
];

export function createRuleEditor({ onSaved }) {
  let model = structuredClone(NEW_RULE);
  let editingId = null;
  let validation = 0;
  let timer = null;

  const inputs = new Map(
    FIELDS.map(([path, , kind, options = {}]) => [path, fieldInput(path, kind, options)]),
  );
  const channels = h('div', { id: 'rule-channels', class: 'channels' });
  const json = h('textarea', {
    id: 'rule-json',
    rows: 28,
    spellcheck: 'false',
    'aria-label': 'rule as JSON',
  });
  const validity = h('p', { id: 'rule-validity', role: 'status' });
  const reasons = h('ul', { id: 'rule-reasons', class: 'reasons' });
  const title = h('h3', { id: 'rule-form-title' }, 'New rule');
  const save = h('button', { type: 'submit', id: 'rule-save' }, 'Create rule');
  const preview = createPreview(() => model);

  const form = h(
    'form',
    { id: 'rule-form', novalidate: true },
    h(
      'div',
      { class: 'rule-fields' },
      FIELDS.map(([path, label]) =>
        h('label', { class: 'field' }, h('span', {}, label), inputs.get(path)),
      ),
      h(
        'datalist',
        { id: 'group-by-choices' },
        ['source', 'none', 'payload.'].map((v) => h('option', { value: v })),
      ),
      h(
        'div',
        { class: 'field wide' },
        h('span', {}, 'channels'),
        channels,
        h(
          'button',
          {
            type: 'button',
            id: 'rule-add-channel',
            onclick: () => {
              model.channels = [...(model.channels || []), { type: 'console' }];
              fillChannels();
              changed();
            },
          },
          'Add channel',
        ),
      ),
    ),
    h('div', { class: 'rule-json' }, h('span', {}, 'JSON (the same rule)'), json),
  );
  const element = h(
    'section',
    { id: 'rule-editor' },
    title,
    form,
    validity,
    reasons,
    h(
      'div',
      { class: 'toolbar' },
      save,
      h('button', { type: 'button', id: 'rule-reset', onclick: () => edit(null) }, 'New rule'),
    ),
    preview.element,
  );
  save.addEventListener('click', (event) => {
    event.preventDefault();
    submit();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  form.addEventListener('input', (event) => {
    if (event.target === json) fromJson();
    else fromForm();
  });
  form.addEventListener('change', (event) => event.target !== json && fromForm());

  /** Reads every form field into the model, keeping what only the JSON has. */
  function fromForm() {
    for (const [path, , kind, options = {}] of FIELDS)
      setPath(model, path, readInput(inputs.get(path), kind, options));
    model.channels = [...channels.children].map(readChannel);
    json.value = JSON.stringify(model, null, 2);
    changed();
  }

  function fromJson() {
    try {
      model = JSON.parse(json.value);
    } catch (error) {
      showReasons([`not valid JSON: ${error.message}`]);
      return;
    }
    fillForm();
    changed();
  }

  function fillForm() {
    for (const [path, , kind] of FIELDS) writeInput(inputs.get(path), kind, getPath(model, path));
    fillChannels();
  }

  function fillChannels() {
    const list = Array.isArray(model.channels) ? model.channels : [];
    channels.replaceChildren(
      ...list.map((channel, index) =>
        channelRow(channel, index, () => {
          model.channels = list.filter((_, i) => i !== index);
          fillChannels();
          json.value = JSON.stringify(model, null, 2);
          changed();
        }),
      ),
    );
  }

  function changed() {
    preview.stale();
    clearTimeout(timer);
    timer = setTimeout(validate, VALIDATE_DEBOUNCE_MS);
  }

  async function validate() {
    const asked = ++validation;
    try {
      const answer = await api('POST', '/api/rules/validate', model);
      if (asked === validation) showReasons(answer.valid ? [] : answer.reasons);
    } catch (error) {
      if (asked === validation) showError(error.message);
    }
  }

  function showReasons(list) {
    validity.textContent =
      list.length === 0
        ? 'valid: the API accepts this rule'
        : `${list.length} problem${list.length > 1 ? 's' : ''}`;
    validity.className = list.length === 0 ? 'valid' : 'invalid';
    reasons.replaceChildren(...list.map((reason) => h('li', {}, reason)));
    const named = new Set(list.flatMap(pathsOfReason));
    for (const [path, input] of inputs) input.classList.toggle('invalid', named.has(path));
    [...channels.children].forEach((row, i) =>
      row.classList.toggle(
        'invalid',
        [...named].some((p) => p.startsWith(`channels[${i}]`)),
      ),
    );
  }

  async function submit() {
    clearTimeout(timer);
    try {
      if (editingId) await api('PUT', `/api/rules/${encodeURIComponent(editingId)}`, model);
      else await api('POST', '/api/rules', model);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) return showError(error.message);
      return showReasons(error.reasons);
    }
    showError('');
    edit(null);
    await onSaved();
  }

  /** Starts editing `item` (a listed rule), a copy of `template`, or a new rule. */
  function edit(item, template) {
    editingId = item ? item.id : null;
    const source = item ? item.definition : template ? { ...template, id: undefined } : NEW_RULE;
    model = structuredClone(source);
    // The gateway stamps activation itself; a copy must not carry the original's.
    delete model.activeFrom;
    title.textContent = item ? `Edit rule ${item.name}` : 'New rule';
    save.textContent = item ? 'Save rule' : 'Create rule';
    inputs.get('id').disabled = Boolean(item);
    json.value = JSON.stringify(model, null, 2);
    fillForm();
    changed();
    element.scrollIntoView({ block: 'start' });
  }

  json.value = JSON.stringify(model, null, 2);
  fillForm();
  changed();
  return { element, edit };
}

function fieldInput(path, kind, options) {
  const attributes = { 'data-path': path, name: path };
  if (kind === 'select')
    return h(
      'select',
      attributes,
      options.choices.map((c) => h('option', { value: c }, c)),
    );
  if (kind === 'checkbox') return h('input', { ...attributes, type: 'checkbox' });
  if (kind === 'number')
    return h('input', { ...attributes, type: 'number', min: options.min, step: options.step });
  return h('input', {
    ...attributes,
    type: 'text',
    placeholder: options.placeholder,
    list: options.list,
  });
}

/** The value to send for a field; undefined leaves it out (the API's default applies). */
function readInput(input, kind, options) {
  if (input.disabled && kind === 'text') return input.value || undefined;
  switch (kind) {
    case 'checkbox':
      return input.checked;
    case 'number':
      return input.value === '' ? undefined : Number(input.value);
    case 'list':
      return input.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'select':
      return input.value;
    default:
      return input.value.trim() === '' && (options.optional || input.dataset.path === 'id')
        ? undefined
        : input.value;
  }
}

function writeInput(input, kind, value) {
  if (kind === 'checkbox') input.checked = value === undefined ? true : Boolean(value);
  else if (kind === 'list') input.value = Array.isArray(value) ? value.join(', ') : '';
  else input.value = value === undefined || value === null ? '' : String(value);
}

// The channels part of the rule form: one row per channel, showing only the fields its type
// takes (email: recipients; chat and webhook: a URL or the CHANNEL_ variable holding it;
// PagerDuty: the routing key's variable; webhook: the signing secret's variable).
import { h } from './dom.js';
import { CHANNEL_TYPES } from './rule-model.js';

/** One channel: its type and the fields that type takes, the others hidden. */
export function channelRow(channel, index, onRemove) {
  const target = channel.urlEnv !== undefined ? 'urlEnv' : 'url';
  const field = (name, label, value, placeholder) =>
    h(
      'label',
      { class: 'channel-field', dataset: { field: name } },
      `${label} `,
      h('input', { type: 'text', name, value: value ?? '', placeholder }),
    );
  const row = h(
    'div',
    { class: 'channel', dataset: { index: String(index) } },
    h(
      'select',
      { name: 'type', 'aria-label': `channel ${index + 1} type` },
      CHANNEL_TYPES.map((t) => h('option', { value: t, selected: t === channel.type }, t)),
    ),
    field('to', 'to', (channel.to || []).join(', '), 'oncall@example.com'),
    h(
      'select',
      { name: 'target', 'aria-label': 'url or variable', dataset: { field: 'target' } },
      h('option', { value: 'url', selected: target === 'url' }, 'url'),
      h('option', { value: 'urlEnv', selected: target === 'urlEnv' }, 'urlEnv (CHANNEL_…)'),
    ),
    field('address', '', channel.url ?? channel.urlEnv, 'https://… or CHANNEL_…'),
    field(
      'routingKeyEnv',
      'routing key variable',
      channel.routingKeyEnv,
      'CHANNEL_PD_KEY (optional)',
    ),
    field(
      'secretEnv',
      'signing secret variable',
      channel.secretEnv,
      'CHANNEL_HOOK_SECRET (optional)',
    ),
    h('button', { type: 'button', class: 'remove-channel', onclick: onRemove }, 'Remove'),
  );
  const shown = {
    console: [],
    email: ['to'],
    slack: ['target', 'address'],
    discord: ['target', 'address'],
    teams: ['target', 'address'],
    pagerduty: ['routingKeyEnv'],
    webhook: ['target', 'address', 'secretEnv'],
  };
  const showFields = () => {
    const type = row.querySelector('[name=type]').value;
    for (const part of row.querySelectorAll('[data-field]'))
      part.hidden = !(shown[type] || []).includes(part.dataset.field);
  };
  row.querySelector('[name=type]').addEventListener('change', showFields);
  showFields();
  return row;
}

export function readChannel(row) {
  const value = (name) => row.querySelector(`[name=${name}]`).value.trim();
  const type = value('type');
  const optional = (name) => (value(name) ? { [name]: value(name) } : {});
  switch (type) {
    case 'console':
      return { type };
    case 'email':
      return {
        type,
        to: value('to')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'pagerduty':
      return { type, ...optional('routingKeyEnv') };
    case 'webhook':
      return { type, [value('target')]: value('address'), ...optional('secretEnv') };
    default:
      return { type, [value('target')]: value('address') };
  }
}

// What a rule is made of, for the form: the choices the API accepts (libs/contracts/src/rule.ts)
// and reading and writing a field by its path ("condition.threshold"), the path the API's
// reasons name. The choices are copied, since the page has no build step to import the
// TypeScript: a choice the API stopped accepting would still be caught by the validation the
// form asks for as the user types.
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const WINDOW_KINDS = ['sliding', 'tumbling'];
export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'];
export const OPERATORS = ['>', '>=', '<', '<=', '==', '!='];
export const CHANNEL_TYPES = [
  'console',
  'email',
  'slack',
  'discord',
  'teams',
  'pagerduty',
  'webhook',
];

export const NEW_RULE = {
  name: 'Payment exceptions per client',
  description: '',
  enabled: true,
  match: { types: ['payment.exception'], sources: [], minSeverity: 'low' },
  groupBy: 'source',
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 5 },
  forSeconds: 0,
  severity: 'high',
  cooldownSeconds: 300,
  autoResolve: true,
  channels: [{ type: 'console' }],
};

export function getPath(object, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);
}

/** Sets (or, for undefined, removes) a field, making the objects on the way. */
export function setPath(object, path, value) {
  const keys = path.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
}

/** The field paths a reason of the API names: `"match.types" must ...`, `channels[0]: ...`. */
export function pathsOfReason(reason) {
  const quoted = [...reason.matchAll(/"([A-Za-z][\w.[\]]*)"/g)].map((m) => m[1]);
  // Unknown fields and the egress policy name their place first: `channels[0] (webhook): ...`.
  const prefixed = /^([A-Za-z][\w.[\]]*)(?::| \(\w+\):) /.exec(reason);
  return prefixed ? [prefixed[1], ...quoted] : quoted;
}

/** One-line summary: "count >= 5 over 60 s (sliding)". */
export const describeCondition = (rule) =>
  `${rule.condition.aggregate} ${rule.condition.operator} ${rule.condition.threshold} over ${rule.window.seconds} s (${rule.window.kind})`;

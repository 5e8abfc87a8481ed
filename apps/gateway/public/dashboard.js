// The on-call dashboard: plain browser JavaScript served as a static file (the gateway's
// Content-Security-Policy allows only same-origin scripts, so nothing is inline). It talks to
// the same REST API as everyone else, with the API key the user enters (kept in this
// browser's localStorage).
'use strict';

const ROUTES = {
  incidents: '/api/incidents?limit=50',
  incidentStream: '/api/incidents/stream',
  incidentAction: (id, action) => `/api/incidents/${encodeURIComponent(id)}/${action}`,
  rules: '/api/rules?limit=200',
  rule: (id) => `/api/rules/${encodeURIComponent(id)}`,
  timeSeries: (from, to) =>
    `/api/analytics/time-series?interval=minute&from=${from.toISOString()}&to=${to.toISOString()}`,
  severities: (from, to) =>
    `/api/analytics/severity-distribution?from=${from.toISOString()}&to=${to.toISOString()}`,
};
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const RULE_TEMPLATE = {
  name: 'Payment exceptions per client',
  enabled: true,
  match: { types: ['payment.exception'], sources: [], minSeverity: 'low' },
  groupBy: 'source',
  window: { kind: 'sliding', seconds: 60 },
  condition: { aggregate: 'count', operator: '>=', threshold: 5 },
  severity: 'high',
  cooldownSeconds: 300,
  autoResolve: true,
  channels: [{ type: 'console' }],
};

const $ = (id) => document.getElementById(id);
const incidents = new Map();
let editingRuleId = null;
let stream = null;

function apiKey() {
  return localStorage.getItem('eventmon.apiKey') || '';
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      'X-API-Key': apiKey(),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = data && data.message ? [].concat(data.message).join('; ') : text;
    throw new Error(`${method} ${path.split('?')[0]}: ${response.status} ${message}`);
  }
  return data;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => onClick().catch((error) => showError(error.message)));
  return b;
}

// ---- incidents -------------------------------------------------------------------------

function renderIncidents() {
  const body = $('incidents');
  body.replaceChildren();
  const newestFirst = [...incidents.values()].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  for (const incident of newestFirst.slice(0, 100)) {
    const row = document.createElement('tr');
    row.dataset.incidentId = incident.id;
    cell(row, new Date(incident.openedAt).toLocaleTimeString());
    cell(row, incident.severity, `sev-${incident.severity}`);
    cell(row, incident.ruleName);
    cell(row, incident.groupKey);
    cell(row, String(incident.value));
    cell(row, incident.status, `status-${incident.status}`).dataset.role = 'status';
    const actions = cell(row, '');
    if (incident.status === 'open') {
      actions.appendChild(button('Acknowledge', () => act(incident.id, 'acknowledge')));
    }
    if (incident.status !== 'resolved') {
      actions.appendChild(button('Resolve', () => act(incident.id, 'resolve')));
    }
    body.appendChild(row);
  }
}

async function act(id, action) {
  const answer = await api('POST', ROUTES.incidentAction(id, action));
  const incident = answer && answer.incident ? answer.incident : answer;
  if (incident && incident.id) incidents.set(incident.id, incident);
  renderIncidents();
}

async function loadIncidents() {
  const page = await api('GET', ROUTES.incidents);
  for (const incident of page.items) incidents.set(incident.id, incident);
  renderIncidents();
}

/** Server-Sent Events read with fetch: EventSource cannot send the X-API-Key header. */
async function followIncidents() {
  if (stream) stream.abort();
  stream = new AbortController();
  const response = await fetch(ROUTES.incidentStream, {
    headers: { 'X-API-Key': apiKey(), Accept: 'text/event-stream' },
    signal: stream.signal,
  });
  if (!response.ok) throw new Error(`live incidents: ${response.status}`);
  $('connection').textContent = 'live';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      onStreamMessage(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
    }
  }
  $('connection').textContent = 'stream closed';
}

function onStreamMessage(block) {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  if (!data) return; // a heartbeat comment
  const message = JSON.parse(data);
  if (message.incident) {
    incidents.set(message.incident.id, message.incident);
    renderIncidents();
  }
}

// ---- rules -----------------------------------------------------------------------------

function describeCondition(rule) {
  const c = rule.condition;
  return `${c.aggregate} ${c.operator} ${c.threshold} in ${rule.window.seconds} s (${rule.window.kind})`;
}

function ruleOf(item) {
  return item.definition ? { ...item.definition, enabled: item.enabled } : item;
}

async function loadRules() {
  const page = await api('GET', ROUTES.rules);
  const body = $('rules');
  body.replaceChildren();
  for (const rule of page.items.map(ruleOf)) {
    const row = document.createElement('tr');
    row.dataset.ruleId = rule.id;
    cell(row, rule.name);
    cell(row, rule.match.types.join(', '));
    cell(row, describeCondition(rule));
    cell(row, rule.severity, `sev-${rule.severity}`);
    cell(row, rule.enabled ? 'yes' : 'no');
    const actions = cell(row, '');
    actions.appendChild(button('Edit', async () => editRule(rule)));
    actions.appendChild(
      button(rule.enabled ? 'Disable' : 'Enable', async () => {
        await api('PATCH', ROUTES.rule(rule.id), { enabled: !rule.enabled });
        await loadRules();
      }),
    );
    body.appendChild(row);
  }
}

function editRule(rule) {
  editingRuleId = rule ? rule.id : null;
  $('rule-form-title').textContent = rule ? `Edit rule ${rule.name}` : 'New rule';
  $('rule-save').textContent = rule ? 'Save rule' : 'Create rule';
  $('rule-json').value = JSON.stringify(rule || RULE_TEMPLATE, null, 2);
}

async function saveRule(event) {
  event.preventDefault();
  let rule;
  try {
    rule = JSON.parse($('rule-json').value);
  } catch (error) {
    showError(`the rule is not valid JSON: ${error.message}`);
    return;
  }
  try {
    if (editingRuleId) await api('PUT', ROUTES.rule(editingRuleId), rule);
    else await api('POST', '/api/rules', rule);
    showError('');
    editRule(null);
    await loadRules();
  } catch (error) {
    showError(error.message);
  }
}

// ---- charts ----------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function drawRate(points) {
  const chart = $('rate-chart');
  chart.replaceChildren();
  const max = Math.max(1, ...points.map((p) => p.count));
  const step = 600 / Math.max(1, points.length - 1);
  const line = points
    .map((p, i) => `${(i * step).toFixed(1)},${(150 - (p.count / max) * 140).toFixed(1)}`)
    .join(' ');
  chart.appendChild(svgElement('polyline', { points: line, fill: 'none', stroke: '#3b6fd8' }));
  chart.appendChild(svgElement('text', { x: 4, y: 12, 'font-size': 10 }, `max ${max}/min`));
}

function drawSeverities(counts) {
  const chart = $('severity-chart');
  chart.replaceChildren();
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s] || 0));
  SEVERITIES.forEach((severity, i) => {
    const width = ((counts[severity] || 0) / max) * 480;
    const y = 8 + i * 27;
    chart.appendChild(svgElement('text', { x: 0, y: y + 14, 'font-size': 11 }, severity));
    chart.appendChild(
      svgElement('rect', { x: 70, y, width: width.toFixed(1), height: 18, fill: '#3b6fd8' }),
    );
    chart.appendChild(
      svgElement(
        'text',
        { x: 76 + width, y: y + 14, 'font-size': 11 },
        String(counts[severity] || 0),
      ),
    );
  });
}

/** Accepts {points|buckets: [{bucket|at|time, count}]} and {counts|distribution: ...}. */
async function loadCharts() {
  const now = new Date();
  const series = await api('GET', ROUTES.timeSeries(new Date(now - 3600_000), now));
  const points = (series.points || series.buckets || series.items || []).map((p) => ({
    count: Number(p.count ?? p.events ?? 0),
  }));
  drawRate(points);
  const distribution = await api('GET', ROUTES.severities(new Date(now - 86_400_000), now));
  const counts = {};
  const entries = Array.isArray(distribution)
    ? distribution
    : distribution.items || distribution.severities || distribution.distribution || [];
  if (Array.isArray(entries)) {
    for (const entry of entries) counts[entry.severity] = Number(entry.count);
  } else Object.assign(counts, entries);
  drawSeverities(counts);
}

// ---- start -----------------------------------------------------------------------------

async function start() {
  showError('');
  if (!apiKey()) {
    $('connection').textContent = 'enter an API key';
    return;
  }
  try {
    await Promise.all([loadIncidents(), loadRules(), loadCharts()]);
    followIncidents().catch((error) => {
      $('connection').textContent = 'stream lost';
      showError(error.message);
    });
  } catch (error) {
    showError(error.message);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('api-key').value = apiKey();
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    localStorage.setItem('eventmon.apiKey', $('api-key').value.trim());
    start();
  });
  $('rule-form').addEventListener('submit', saveRule);
  $('rule-reset').addEventListener('click', () => editRule(null));
  editRule(null);
  setInterval(() => apiKey() && loadCharts().catch((error) => showError(error.message)), 30_000);
  start();
});

// Small DOM helpers: every element is made with DOM APIs (no innerHTML, so no markup from data
// is ever parsed, and nothing inline for the Content-Security-Policy to refuse).

/**
 * h('button', { class: 'x', onclick: fn, dataset: { id } }, 'text', child...). Attributes that
 * are null, undefined or false are left out; true sets an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'value' || name === 'checked') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);

const pad = (n) => String(n).padStart(2, '0');

/** Local date and time to the second: on-call engineers read their own clock. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The value a datetime-local input shows for an instant. */
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local input's value as an ISO instant, or '' when empty. */
export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : '';
}

/** Pretty JSON when the text is JSON, else the text as it is. */
export function formatJsonText(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A button whose failing action is shown in the page's error box, not lost. */
export function actionButton(label, action, attributes = {}) {
  const button = h('button', { type: 'button', ...attributes }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(error.message);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message || '';
  box.hidden = !message;
}

export function severityBadge(severity) {
  return h('span', { class: `badge sev-${severity}` }, severity);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}`, 'data-role': 'status' }, status);
}

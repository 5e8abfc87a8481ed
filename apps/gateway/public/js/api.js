// The gateway's REST API as the page calls it: every request carries the key the user entered
// (kept in this browser's localStorage), and a refusal becomes an ApiError with the API's own
// reasons, so a view can show them as they are.
const KEY_STORAGE = 'eventmon.apiKey';

export const apiKey = () => localStorage.getItem(KEY_STORAGE) || '';
export const setApiKey = (key) => localStorage.setItem(KEY_STORAGE, key);

export class ApiError extends Error {
  constructor(method, path, status, reasons) {
    super(`${method} ${path}: ${status} ${reasons.join('; ')}`);
    this.status = status;
    this.reasons = reasons;
  }
}

/** `?a=1&b=2` of the parameters that have a value; '' when none has. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function api(method, path, body, { signal } = {}) {
  const response = await fetch(path, {
    method,
    signal,
    headers: {
      'X-API-Key': apiKey(),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const message = data && typeof data === 'object' && data.message ? data.message : text;
    throw new ApiError(method, path.split('?')[0], response.status, [].concat(message));
  }
  return data;
}

/** Lets only the newest of overlapping calls through (a filter changed while one was running). */
export function latestOnly() {
  let controller = null;
  return (method, path, body) => {
    controller?.abort();
    controller = new AbortController();
    return api(method, path, body, { signal: controller.signal });
  };
}

export const isAbort = (error) => error && error.name === 'AbortError';

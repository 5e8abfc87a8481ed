// The incidents the page knows, kept current by the live stream: the list and the detail view
// both read it and redraw when it changes.
import { api } from './api.js';

const incidents = new Map();
const listeners = new Set();

export const allIncidents = () => [...incidents.values()];

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function putIncident(incident) {
  incidents.set(incident.id, incident);
  for (const listener of listeners) listener(incident);
}

export async function loadIncidents() {
  const page = await api('GET', '/api/incidents?limit=100');
  for (const incident of page.items) putIncident(incident);
}

export const clearIncidents = () => incidents.clear();

/** Acknowledge or resolve; the answer is the incident as stored. */
export async function actOn(id, action) {
  const incident = await api('POST', `/api/incidents/${encodeURIComponent(id)}/${action}`, {});
  putIncident(incident);
  return incident;
}

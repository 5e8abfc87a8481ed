// Who the entered key belongs to (GET /api/whoami): the page shows write buttons only to an
// admin key. The gateway refuses a write from any other key anyway; this spares the user
// buttons that could only answer 403.
import { api } from './api.js';

let me = null;

export async function loadSession() {
  me = await api('GET', '/api/whoami');
  return me;
}

export const clearSession = () => (me = null);
export const session = () => me;
export const canWrite = () => me !== null && me.role === 'admin';

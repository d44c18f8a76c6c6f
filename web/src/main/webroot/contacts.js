// Fetches contacts on demand (names for list rows, the contact panel), a few at a time.
import { api } from './api.js';
import { state, putContact } from './store.js';

const pending = new Map(); // id -> Promise
const queue = [];
let running = 0;
const MAX_PARALLEL = 3;

function pump() {
  while (running < MAX_PARALLEL && queue.length) {
    const job = queue.shift();
    running += 1;
    job().finally(() => { running -= 1; pump(); });
  }
}

/** GET /api/v1/contacts/{id} (queued; one request per id at a time). Resolves to the contact or null. */
export function loadContact(id, { force = false } = {}) {
  if (!id) return Promise.resolve(null);
  if (!force && pending.has(id)) return pending.get(id);
  const p = new Promise((resolve) => {
    queue.push(() => api('GET', `/api/v1/contacts/${encodeURIComponent(id)}`)
      .then(({ data, seq }) => resolve(putContact({ ...data, _full: true }, seq)))
      .catch(() => resolve(null))
      .finally(() => { if (pending.get(id) === p) pending.delete(id); }));
    pump();
  });
  pending.set(id, p);
  return p;
}

/** Makes sure a name is known for list rows; does nothing when it already is. */
const tried = new Set();
export function ensureContact(id) {
  const c = state.contacts.get(id);
  if (!id || c?.name || tried.has(id)) return;
  tried.add(id);
  loadContact(id);
}

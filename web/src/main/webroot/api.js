// REST client: bearer token, one refresh-and-retry on 401, problem+json errors, Switchboard-Seq.
import { emit } from './bus.js';

const SESSION_KEY = 'sb.session';
let current = null;
let refreshTimer = null;
let refreshing = null;

/** An HTTP failure; `problem` is the RFC 9457 body ({title, detail, errors}) when there is one. */
export class ApiError extends Error {
  constructor(status, problem, res) {
    const p = problem && typeof problem === 'object' ? problem : { detail: problem ? String(problem) : '' };
    super(p.detail || p.title || (status ? `Request failed (${status})` : 'The server could not be reached.'));
    this.status = status;
    this.problem = p;
    this.retryAfter = res?.headers?.get('Retry-After') || null;
  }
}

export function getSession() { return current; }
export function me() { return current?.user || null; }

export function loadSession() {
  try { current = JSON.parse(sessionStorage.getItem(SESSION_KEY)); } catch { current = null; }
  if (current && !current.token) current = null;
  if (current) scheduleRefresh();
  return current;
}

function save(s) {
  current = s;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  scheduleRefresh();
}

export function clearSession() {
  current = null;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(SESSION_KEY);
}

/** The session is over (refresh refused): drop tokens, keep drafts, tell the app. */
function expire() {
  if (!current) return;
  clearSession();
  emit('session-expired');
}

async function readBody(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

async function postJson(path, body) {
  let res;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
  const data = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, data, res);
  return data;
}

export async function login(email, password) {
  const body = await postJson('/api/v1/auth/login', { email, password });
  save({ token: body.token, expiresAt: body.expiresAt, refreshToken: body.refreshToken, user: body.user });
  return current;
}

/** Refreshes the token once at a time; concurrent callers share the same attempt. */
export function refresh() {
  if (refreshing) return refreshing;
  const started = current;
  refreshing = (async () => {
    if (!started?.refreshToken) throw new ApiError(401, { title: 'Session expired' });
    const body = await postJson('/api/v1/auth/refresh', { refreshToken: started.refreshToken });
    if (current !== started) return; // logged out meanwhile
    save({
      token: body.token,
      expiresAt: body.expiresAt,
      refreshToken: body.refreshToken || started.refreshToken,
      user: body.user || started.user,
    });
  })().finally(() => { refreshing = null; });
  return refreshing;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const at = Date.parse(current?.expiresAt || '');
  if (!Number.isFinite(at)) return;
  const left = at - Date.now();
  // Refresh a minute before expiry (or half-way through very short lifetimes).
  const delay = Math.max(1000, left - Math.min(60000, left / 2));
  refreshTimer = setTimeout(() => {
    refresh().catch((e) => {
      if (e.status === 0 || e.status >= 500) refreshTimer = setTimeout(scheduleRefresh, 15000);
      else expire();
    });
  }, delay);
}

function withQuery(path, query) {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v != null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/**
 * api('GET', '/api/v1/conversations', {query}) -> {data, seq, status}.
 * `body` is sent as JSON unless it is a Blob; `raw: true` returns the Response instead of data.
 */
export async function api(method, path, opts = {}) {
  const { body, query, headers = {}, raw = false } = opts;
  if (!current) throw new ApiError(401, { title: 'Not signed in', detail: 'Please sign in.' });
  const h = { Accept: 'application/json', ...headers, Authorization: `Bearer ${current.token}` };
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer) payload = body;
  else if (body !== undefined) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let res;
  try {
    res = await fetch(withQuery(path, query), { method, headers: h, body: payload });
  } catch {
    throw new ApiError(0, null);
  }
  if (res.status === 401) {
    if (!opts.retried) {
      try {
        await refresh();
      } catch (e) {
        if (e.status === 0) throw e;
        expire();
        throw new ApiError(401, { title: 'Session expired', detail: 'Your session has expired. Please sign in again.' });
      }
      return api(method, path, { ...opts, retried: true });
    }
    expire();
    throw new ApiError(401, await readBody(res), res);
  }
  const seqHeader = res.headers.get('Switchboard-Seq');
  const seq = seqHeader != null && seqHeader.trim() !== '' && Number.isFinite(Number(seqHeader)) ? Number(seqHeader) : null;
  if (!res.ok) throw new ApiError(res.status, await readBody(res), res);
  if (raw) return { res, seq, status: res.status };
  return { data: await readBody(res), seq, status: res.status };
}

const blobUrls = new Map();

/** Downloads an attachment with the bearer token and returns a blob: URL (cached per id). */
export async function attachmentUrl(id) {
  if (blobUrls.has(id)) return blobUrls.get(id);
  const p = api('GET', `/api/v1/attachments/${encodeURIComponent(id)}`, { raw: true, headers: { Accept: '*/*' } })
    .then(async ({ res }) => URL.createObjectURL(await res.blob()));
  blobUrls.set(id, p);
  p.catch(() => blobUrls.delete(id));
  return p;
}

/** Uploads one file as raw bytes: POST /api/v1/attachments with X-Filename. */
export async function uploadAttachment(file) {
  const name = file.name || 'file';
  // Header values must be Latin-1; other names travel percent-encoded (RFC 3986).
  const header = /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
  const { data } = await api('POST', '/api/v1/attachments', {
    body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Filename': header },
  });
  return data;
}

export function revokeBlobUrls() {
  for (const p of blobUrls.values()) p.then((u) => URL.revokeObjectURL(u)).catch(() => {});
  blobUrls.clear();
}

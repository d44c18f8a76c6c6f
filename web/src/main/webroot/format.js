// Formatting helpers: times, durations, sizes, names, ids.

export const CHANNEL_KINDS = ['email', 'chat', 'phone', 'social', 'store'];
const CHANNEL_LABELS = { email: 'Email', chat: 'Chat', phone: 'Phone', social: 'Social', store: 'Store' };

export function channelLabel(kind) {
  return CHANNEL_LABELS[kind] || (kind ? String(kind) : 'Unknown');
}

/** A channel kind reduced to a known CSS class suffix. */
export function channelClass(kind) {
  return CHANNEL_KINDS.includes(kind) ? `ch-${kind}` : 'ch-other';
}

/** RFC 4122 v4; crypto.randomUUID is missing outside secure contexts (plain http on a LAN). */
export function uuid() {
  if (globalThis.crypto?.randomUUID) {
    try { return crypto.randomUUID(); } catch { /* fall through */ }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function toDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Short time for lists: "now", "5m", "3h", "Mon", "Nov 3", "Nov 3, 2025". */
export function relTime(iso, now = Date.now()) {
  const d = toDate(iso);
  if (!d) return '';
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 45) return 'now';
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86400) return `${Math.round(s / 3600)}h`;
  if (s < 6 * 86400) return d.toLocaleDateString(undefined, { weekday: 'short' });
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', year: 'numeric' });
}

/** Time for a message: "14:05" today, else "Nov 3, 14:05". */
export function msgTime(iso) {
  const d = toDate(iso);
  if (!d) return '';
  const t = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === new Date().toDateString()) return t;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${t}`;
}

export function fullTime(iso) {
  const d = toDate(iso);
  return d ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

/** "in 23m", "2h ago". */
export function fromNow(iso, now = Date.now()) {
  const d = toDate(iso);
  if (!d) return '';
  const diff = Math.round((d.getTime() - now) / 60000);
  const abs = Math.abs(diff);
  const text = abs < 60 ? `${abs}m` : abs < 48 * 60 ? `${Math.round(abs / 60)}h` : `${Math.round(abs / 1440)}d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** 312 -> "5:12", 3725 -> "1:02:05". */
export function duration(sec) {
  const n = Math.max(0, Math.round(Number(sec) || 0));
  const h = Math.floor(n / 3600);
  const m = Math.floor((n % 3600) / 60);
  const s = n % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function fileSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  const first = [...parts[0]][0] || '?';
  const last = parts.length > 1 ? [...parts[parts.length - 1]][0] : '';
  return (first + last).toUpperCase();
}

/** A stable hue from a string, for avatar colours. */
export function hue(s) {
  let x = 0;
  for (const ch of String(s || '')) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x % 6;
}

export function snippet(text, max = 140) {
  const s = String(text || '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Date -> value for <input type="datetime-local"> in local time. */
export function toLocalInput(date) {
  const d = new Date(date);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function capitalize(s) {
  const t = String(s || '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

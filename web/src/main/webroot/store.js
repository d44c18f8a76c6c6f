// Client-side state: conversations, messages, contacts, users, teams.
// Every write carries the Switchboard sequence it reflects, so an older snapshot (REST or replay)
// never overwrites a newer one and applying the same event twice changes nothing.
import { emit } from './bus.js';
import { snippet } from './format.js';

export const state = {
  me: null,
  users: new Map(),        // id -> user
  usersListed: false,      // GET /users answered (else the agent sees only "me" and "unassigned")
  teams: [],               // [{id, name}]
  channels: null,          // [{id, kind, name}] when GET /channels is allowed
  conversations: new Map(),
  messages: new Map(),     // conversationId -> Map(messageId -> message)
  contacts: new Map(),
  presence: new Map(),     // userId -> online|away|offline (ephemeral)
  openId: null,
};

const versions = new Map(); // "c:<id>" | "m:<id>" | "p:<id>" -> highest seq applied
const homes = new Map();    // messageId -> conversationId it is stored under (a split moves messages)

function accept(key, seq) {
  if (seq == null) return true;
  const v = versions.get(key);
  if (v != null && v > seq) return false;
  versions.set(key, seq);
  return true;
}

export function resetStore() {
  state.me = null;
  state.users.clear();
  state.usersListed = false;
  state.teams = [];
  state.channels = null;
  state.conversations.clear();
  state.messages.clear();
  state.contacts.clear();
  state.presence.clear();
  state.openId = null;
  versions.clear();
  homes.clear();
}

/** Stores a conversation (list item, detail or event data) and its embedded contact and messages. */
export function putConversation(conv, seq = null) {
  if (!conv?.id) return null;
  if (conv.contact && typeof conv.contact === 'object') putContact(conv.contact, seq, { partial: true });
  if (Array.isArray(conv.messages)) for (const m of conv.messages) putMessage({ conversationId: conv.id, ...m }, seq, { quiet: true });
  // Read after the messages: they may have moved the preview.
  const prev = state.conversations.get(conv.id) || null;
  if (!accept(`c:${conv.id}`, seq)) return prev;
  const next = { ...(prev || {}), ...conv };
  delete next.messages;
  // The open conversation is being read right now, whatever a snapshot says.
  if (state.openId === conv.id) next.unread = false;
  state.conversations.set(conv.id, next);
  emit('conversation', { conv: next, prev });
  if (Array.isArray(conv.messages) && conv.messages.length && !next._preview) {
    const newest = sortedMessages(conv.id).filter((m) => m.direction !== 'note').pop();
    if (newest) notePreview(newest);
  }
  return state.conversations.get(conv.id);
}

/** Local-only change (no seq): e.g. marking read, or the preview of the newest message. */
export function patchConversationLocal(id, patch) {
  const prev = state.conversations.get(id);
  if (!prev) return;
  const next = { ...prev, ...patch };
  state.conversations.set(id, next);
  emit('conversation', { conv: next, prev });
}

export function messagesOf(conversationId) {
  let m = state.messages.get(conversationId);
  if (!m) { m = new Map(); state.messages.set(conversationId, m); }
  return m;
}

export function putMessage(msg, seq = null, { quiet = false } = {}) {
  if (!msg?.id || !msg.conversationId) return null;
  const map = messagesOf(msg.conversationId);
  const prev = map.get(msg.id) || null;
  if (!accept(`m:${msg.id}`, seq)) return prev;
  const home = homes.get(msg.id);
  if (home && home !== msg.conversationId) {
    // Split off into another conversation: it leaves the old one's timeline.
    const moved = state.messages.get(home)?.get(msg.id);
    state.messages.get(home)?.delete(msg.id);
    if (moved) emit('message-moved', { msg: moved, from: home, to: msg.conversationId });
  }
  homes.set(msg.id, msg.conversationId);
  const next = { ...(prev || {}), ...msg };
  map.set(msg.id, next);
  notePreview(next);
  if (!quiet || !prev) emit('message', { msg: next, prev, quiet });
  return next;
}

/** Keeps the list preview in step with the newest message when the server sends none. */
function notePreview(msg) {
  const conv = state.conversations.get(msg.conversationId);
  if (!conv || msg.direction === 'note') return;
  const at = msg.createdAt || '';
  if (conv._previewAt && conv._previewAt >= at) return;
  const text = msg.text || (msg.call ? `Call · ${msg.call.outcome || ''}` : '') || (msg.attachments?.length ? 'Attachment' : '');
  const patch = { _preview: snippet(text), _previewAt: at };
  if (!conv.lastMessageAt || conv.lastMessageAt < at) patch.lastMessageAt = at;
  const next = { ...conv, ...patch };
  state.conversations.set(conv.id, next);
  emit('conversation', { conv: next, prev: conv });
}

/** Sorted oldest first by createdAt, then id. */
export function sortedMessages(conversationId) {
  return [...messagesOf(conversationId).values()].sort(compareMessages);
}

export function compareMessages(a, b) {
  const ta = a.createdAt || '';
  const tb = b.createdAt || '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
}

export function putContact(contact, seq = null, { partial = false } = {}) {
  if (!contact?.id) return null;
  const prev = state.contacts.get(contact.id) || null;
  // A contact embedded in a conversation is a summary: it must not claim the contact's version.
  if (!partial && !accept(`p:${contact.id}`, seq)) return prev;
  const next = partial ? { ...contact, ...(prev || {}), name: prev?.name ?? contact.name } : { ...(prev || {}), ...contact };
  state.contacts.set(contact.id, next);
  emit('contact', { contact: next, prev });
  return next;
}

export function contactName(conv) {
  const c = conv?.contactId ? state.contacts.get(conv.contactId) : null;
  return conv?.contact?.name || conv?.contactName || c?.name || c?.displayName || null;
}

export function userName(id) {
  if (!id) return null;
  if (state.me && id === state.me.id) return state.me.name || 'Me';
  const u = state.users.get(id);
  return u ? (u.name || u.email) : null;
}

export function teamName(id) {
  if (!id) return null;
  return state.teams.find((t) => t.id === id)?.name || null;
}

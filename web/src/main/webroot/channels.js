// Which channels a reply can go out through. GET /api/v1/channels when the role may list them;
// otherwise the channels seen on the conversation's own messages (their channelId, when present).
import { api } from './api.js';
import { state, sortedMessages } from './store.js';
import { channelLabel } from './format.js';

let loading = null;

export function loadChannels() {
  if (!loading) {
    loading = api('GET', '/api/v1/channels')
      .then(({ data }) => { state.channels = Array.isArray(data) ? data : (data?.items || []); })
      .catch(() => { state.channels = null; });
  }
  return loading;
}

export function resetChannels() { loading = null; }

/** Identity kinds that a channel kind can reach. */
const REACH = { email: ['email'], phone: ['phone'], social: ['social', 'handle'], chat: ['email', 'chat'], store: [] };

function identityKinds(contact) {
  const kinds = new Set();
  for (const i of contact?.identities || []) {
    kinds.add(i.kind || i.type);
    if (i.platform || i.handle) kinds.add('social');
  }
  return kinds;
}

/** [{id, kind, label}] for the conversation's contact. */
export function replyChannels(conversationId, contact) {
  const out = new Map();
  const kinds = identityKinds(contact);
  if (state.channels) {
    for (const ch of state.channels) {
      if (!ch?.id || ch.kind === 'store') continue;
      const reach = REACH[ch.kind] || [ch.kind];
      if (!kinds.size || reach.some((k) => kinds.has(k))) out.set(ch.id, { id: ch.id, kind: ch.kind, label: `${channelLabel(ch.kind)} · ${ch.name || ''}`.replace(/ · $/, '') });
    }
  }
  for (const m of sortedMessages(conversationId)) {
    if (m.channelId && !out.has(m.channelId) && m.channel !== 'store') {
      out.set(m.channelId, { id: m.channelId, kind: m.channel, label: `${channelLabel(m.channel)}${m.channelName ? ` · ${m.channelName}` : ''}` });
    }
  }
  return [...out.values()];
}

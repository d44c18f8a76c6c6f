// Drafts per conversation id in localStorage: they survive reloads, logouts and expired sessions.
const PREFIX = 'sb.draft.';

export function loadDraft(conversationId) {
  try {
    return JSON.parse(localStorage.getItem(PREFIX + conversationId)) || null;
  } catch {
    return null;
  }
}

/** draft: {text, note, channelId, attachments:[{id,name,size,contentType}]}; empty drafts are removed. */
export function saveDraft(conversationId, draft) {
  if (!conversationId) return;
  const empty = !draft || (!draft.text?.trim() && !(draft.attachments?.length));
  try {
    if (empty) localStorage.removeItem(PREFIX + conversationId);
    else localStorage.setItem(PREFIX + conversationId, JSON.stringify({ ...draft, savedAt: new Date().toISOString() }));
  } catch { /* storage full: the draft stays in the textarea */ }
}

export function clearDraft(conversationId) {
  localStorage.removeItem(PREFIX + conversationId);
}

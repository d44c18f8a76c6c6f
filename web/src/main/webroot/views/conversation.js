// The open conversation: header controls (status, snooze, priority, assignee, team, tags,
// resolve), SLA line, and the timeline across channels, kept live from store events.
import { slaBadge } from '../sla.js';
import { api } from '../api.js';
import { on, emit } from '../bus.js';
import { h, clear, $, setOptions } from '../dom.js';
import { state, putConversation, putMessage, patchConversationLocal, sortedMessages, compareMessages, contactName, userName } from '../store.js';
import { channelLabel, channelClass, fromNow, toLocalInput } from '../format.js';
import { toast, toastError } from '../notify.js';
import { renderMessage, updateStatus } from './message.js';
import { SplitRename } from './split-rename.js';

export class ConversationView {
  constructor() {
    this.section = $('#conversation');
    this.emptyEl = $('#conv-empty');
    this.title = $('#conv-title');
    this.channelsEl = $('#conv-channels');
    this.contactEl = $('#conv-contact-name');
    this.slaEl = $('#conv-sla');
    this.statusSel = $('#conv-status');
    this.snoozeBox = $('#snooze-box');
    this.snoozeInput = $('#conv-snooze');
    this.prioritySel = $('#conv-priority');
    this.assigneeSel = $('#conv-assignee');
    this.teamSel = $('#conv-team');
    this.resolveBtn = $('#conv-resolve');
    this.tagsEl = $('#conv-tags');
    this.tagInput = $('#conv-tag-input');
    this.timeline = $('#timeline');
    this.nodes = new Map(); // messageId -> element
    this.id = null;
    this.beforeCursor = null;
    this.gen = 0;

    this.statusSel.addEventListener('change', () => this.onStatusChange());
    $('#conv-snooze-apply').addEventListener('click', () => this.snooze());
    this.prioritySel.addEventListener('change', () => this.patch({ priority: this.prioritySel.value }));
    this.assigneeSel.addEventListener('change', () => this.onAssign());
    this.teamSel.addEventListener('change', () => this.patch({ teamId: this.teamSel.value || null }));
    this.resolveBtn.addEventListener('click', () => this.toggleResolved());
    this.tagInput.addEventListener('keydown', (e) => this.onTagKey(e));

    on('conversation', ({ conv }) => { if (conv.id === this.id) this.renderHeader(); });
    on('presence-changed', () => { if (this.id && state.usersListed && document.activeElement !== this.assigneeSel) this.renderHeader(); });
    on('message', ({ msg, prev }) => { if (msg.conversationId === this.id) this.onMessage(msg, prev); });
    on('message-moved', ({ msg, from }) => { if (from === this.id) this.onMoved(msg.id); });
    this.splitRename = new SplitRename(this);
    on('contact', ({ contact }) => {
      const conv = state.conversations.get(this.id);
      if (conv && conv.contactId === contact.id) this.contactEl.textContent = contactName(conv) || '';
    });
    setInterval(() => this.renderSla(), 30000);
  }

  get conv() { return this.id ? state.conversations.get(this.id) : null; }

  async open(id) {
    const gen = ++this.gen;
    this.splitRename?.reset();
    this.id = id;
    state.openId = id;
    this.beforeCursor = null;
    this.emptyEl.hidden = true;
    this.section.hidden = false;
    this.nodes.clear();
    clear(this.timeline);
    this.timeline.append(h('p', { class: 'timeline-loading muted' }, 'Loading conversation…'));
    if (this.conv) this.renderHeader();
    try {
      const { data, seq } = await api('GET', `/api/v1/conversations/${encodeURIComponent(id)}`);
      if (gen !== this.gen) return;
      this.beforeCursor = data?.beforeCursor || null;
      putConversation(data, seq);
      this.renderHeader();
      this.renderTimeline();
      this.markRead();
      emit('conversation-opened', this.conv);
    } catch (e) {
      if (gen !== this.gen) return;
      clear(this.timeline);
      this.timeline.append(h('p', { class: 'timeline-loading muted' },
        e.status === 404 ? 'This conversation does not exist or is no longer visible to you.' : 'Could not load this conversation.'));
      if (e.status !== 401 && e.status !== 404) toastError(e);
      if (e.status === 404) emit('conversation-gone', id);
    }
  }

  close() {
    this.gen += 1;
    this.splitRename?.reset();
    this.id = null;
    state.openId = null;
    this.section.hidden = true;
    this.emptyEl.hidden = false;
    this.nodes.clear();
    clear(this.timeline);
  }

  markRead() {
    const id = this.id;
    if (!id || document.visibilityState !== 'visible') return;
    patchConversationLocal(id, { unread: false });
    api('POST', `/api/v1/conversations/${encodeURIComponent(id)}/read`).catch(() => {});
  }

  /** The newest inbound message the agent has in front of them (the composer's afterMessageId). */
  newestInboundId() {
    if (!this.id) return null;
    const inbound = sortedMessages(this.id).filter((m) => m.direction === 'inbound');
    return inbound.length ? inbound[inbound.length - 1].id : null;
  }

  /**
   * The newest message of any kind the agent has in front of them: a reply is refused (409) when a
   * customer message or another agent's reply is newer than this.
   */
  newestSeenId() {
    if (!this.id) return null;
    const seen = sortedMessages(this.id).filter((m) => m.createdAt && !String(m.id).startsWith('local'));
    return seen.length ? seen[seen.length - 1].id : null;
  }

  // ---- header ------------------------------------------------------------------------------

  renderHeader() {
    const conv = this.conv;
    if (!conv) return;
    this.title.textContent = conv.subject || '(no subject)';
    this.contactEl.textContent = contactName(conv) || '';
    clear(this.channelsEl);
    for (const k of conv.channels || []) this.channelsEl.append(h('span', { class: ['ch-badge', channelClass(k)] }, channelLabel(k)));
    if (conv.needsCallback) this.channelsEl.append(h('span', { class: 'badge badge-callback', title: 'A missed call or voicemail: log the call back to clear this' }, 'Needs callback'));
    if (conv.csat?.rating != null) this.channelsEl.append(h('span', { class: 'badge badge-csat', title: conv.csat.comment || 'Customer satisfaction' }, `CSAT ${conv.csat.rating}/5`));

    if (document.activeElement !== this.statusSel) this.statusSel.value = conv.status || 'open';
    this.snoozeBox.hidden = conv.status !== 'snoozed' && this.statusSel.value !== 'snoozed';
    if (conv.status === 'snoozed' && conv.snoozeUntil && document.activeElement !== this.snoozeInput) {
      this.snoozeInput.value = toLocalInput(conv.snoozeUntil);
    }
    this.prioritySel.value = conv.priority || 'normal';
    this.resolveBtn.textContent = conv.status === 'resolved' ? 'Reopen' : 'Resolve';
    this.resolveBtn.title = conv.status === 'resolved' ? 'Reopen' : 'Resolve (e)';

    const people = [{ value: '', label: 'Unassigned' }];
    if (state.me) people.push({ value: state.me.id, label: `${state.me.name || 'Me'} (me)` });
    for (const u of state.users.values()) {
      if (u.id === state.me?.id || u.disabled) continue;
      const presence = state.presence.get(u.id);
      const label = u.name || u.email || u.id;
      people.push({ value: u.id, label: presence && presence !== 'offline' ? `${label} · ${presence}` : label });
    }
    if (conv.assigneeId && !people.some((p) => p.value === conv.assigneeId)) {
      people.push({ value: conv.assigneeId, label: conv.assignee?.name || userName(conv.assigneeId) || 'Another agent' });
    }
    setOptions(this.assigneeSel, people, conv.assigneeId || '');

    const teams = [{ value: '', label: 'No team' }, ...state.teams.map((t) => ({ value: t.id, label: t.name || 'Team' }))];
    if (conv.teamId && !teams.some((t) => t.value === conv.teamId)) teams.push({ value: conv.teamId, label: conv.team?.name || 'Other team' });
    setOptions(this.teamSel, teams, conv.teamId || '');

    clear(this.tagsEl);
    for (const tag of conv.tags || []) {
      this.tagsEl.append(h('li', { class: 'tag' }, tag,
        h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${tag}`, onclick: () => this.removeTag(tag) }, '×')));
    }
    this.renderSla();
  }

  renderSla() {
    const conv = this.conv;
    clear(this.slaEl);
    const sla = conv?.sla;
    if (!sla || conv.status === 'resolved') return;
    const breaches = Array.isArray(sla.breaches) ? sla.breaches : [];
    const badge = slaBadge(conv, { long: true });
    if (breaches.length) {
      this.slaEl.append(h('span', { class: 'sla-chip sla-breached', title: breaches.map((b) => b.metric).join(', ') },
        `SLA breached (${breaches.length})`));
    }
    if (badge) this.slaEl.append(badge);
  }

  /** PATCH /conversations/{id}; on failure the header snaps back to the stored state. */
  async patch(body) {
    const id = this.id;
    if (!id) return null;
    try {
      const { data } = await api('PATCH', `/api/v1/conversations/${encodeURIComponent(id)}`, { body });
      if (data?.id) putConversation(data);
      return data;
    } catch (e) {
      if (e.status !== 401) toastError(e, 'Could not update the conversation');
      if (this.id === id) this.renderHeader();
      return null;
    }
  }

  onStatusChange() {
    const status = this.statusSel.value;
    if (status === 'snoozed') {
      this.snoozeBox.hidden = false;
      if (!this.snoozeInput.value) {
        const d = new Date(Date.now() + 86400000);
        d.setHours(9, 0, 0, 0);
        this.snoozeInput.value = toLocalInput(d);
      }
      this.snoozeInput.focus();
      return;
    }
    this.snoozeBox.hidden = true;
    this.patch({ status });
  }

  snooze() {
    const v = this.snoozeInput.value;
    const when = v ? new Date(v) : null;
    if (!when || Number.isNaN(when.getTime()) || when.getTime() <= Date.now()) {
      toast('Pick a time in the future to snooze until.', { kind: 'error' });
      this.snoozeInput.focus();
      return;
    }
    this.patch({ status: 'snoozed', snoozeUntil: when.toISOString() });
  }

  onAssign() {
    const assigneeId = this.assigneeSel.value || null;
    emit('assigning', { conversationId: this.id, assigneeId });
    this.patch({ assigneeId });
  }

  async toggleResolved() {
    const conv = this.conv;
    if (!conv) return;
    const resolving = conv.status !== 'resolved';
    const done = await this.patch({ status: resolving ? 'resolved' : 'open' });
    if (done && resolving) toast('Conversation resolved.', { kind: 'success', timeout: 3000 });
  }

  resolve() {
    if (this.conv && this.conv.status !== 'resolved') this.toggleResolved();
  }

  onTagKey(e) {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      const tag = this.tagInput.value.trim().replace(/,$/, '');
      if (!tag) return;
      const tags = [...(this.conv?.tags || [])];
      if (!tags.includes(tag)) tags.push(tag);
      this.tagInput.value = '';
      this.patch({ tags });
    } else if (e.key === 'Backspace' && !this.tagInput.value) {
      const tags = this.conv?.tags || [];
      if (tags.length) this.removeTag(tags[tags.length - 1]);
    }
  }

  removeTag(tag) {
    this.patch({ tags: (this.conv?.tags || []).filter((t) => t !== tag) });
  }

  // ---- timeline ----------------------------------------------------------------------------

  renderTimeline() {
    clear(this.timeline);
    this.nodes.clear();
    if (this.beforeCursor) this.timeline.append(this.olderButton());
    const msgs = sortedMessages(this.id);
    if (!msgs.length) this.timeline.append(h('p', { class: 'timeline-loading muted' }, 'No messages yet.'));
    for (const m of msgs) this.timeline.append(this.node(m));
    this.scrollToBottom();
  }

  olderButton() {
    return h('button', { type: 'button', class: 'btn btn-ghost btn-small timeline-older', onclick: () => this.loadOlder() }, 'Load earlier messages');
  }

  async loadOlder() {
    const id = this.id;
    if (!id || !this.beforeCursor) return;
    const first = this.timeline.querySelector('.msg');
    const top = first?.getBoundingClientRect().top;
    try {
      const { data, seq } = await api('GET', `/api/v1/conversations/${encodeURIComponent(id)}`, { query: { beforeCursor: this.beforeCursor } });
      if (id !== this.id) return;
      this.beforeCursor = data?.beforeCursor || null;
      for (const m of data?.messages || []) putMessage({ conversationId: id, ...m }, seq);
      this.timeline.querySelector('.timeline-older')?.remove();
      if (this.beforeCursor) this.timeline.prepend(this.olderButton());
      if (first && top != null) this.timeline.scrollTop += first.getBoundingClientRect().top - top;
    } catch (e) {
      if (e.status !== 401) toastError(e, 'Could not load earlier messages');
    }
  }

  node(msg) {
    const el = renderMessage(msg, { contactName: contactName(this.conv) });
    this.nodes.set(msg.id, el);
    this.splitRename?.decorate(el);
    return el;
  }

  /** A message was split off into another conversation. */
  onMoved(id) {
    this.nodes.get(id)?.remove();
    this.nodes.delete(id);
    this.splitRename.forget(id);
  }

  onMessage(msg, prev) {
    const existing = this.nodes.get(msg.id);
    if (existing) {
      const sameContent = prev && prev.text === msg.text && prev.html === msg.html && prev.subject === msg.subject
        && JSON.stringify(prev.attachments || []) === JSON.stringify(msg.attachments || []) && JSON.stringify(prev.call || null) === JSON.stringify(msg.call || null);
      if (sameContent) updateStatus(existing, msg);
      else existing.replaceWith(this.node(msg));
      return;
    }
    this.timeline.querySelector('.timeline-loading')?.remove();
    const nearBottom = this.timeline.scrollHeight - this.timeline.scrollTop - this.timeline.clientHeight < 160;
    const el = this.node(msg);
    // Insert in order: before the first rendered message that sorts after it.
    let before = null;
    for (const [id, node] of this.nodes) {
      if (id === msg.id) continue;
      const other = state.messages.get(this.id)?.get(id);
      if (other && compareMessages(other, msg) > 0 && (!before || compareMessages(other, before.msg) < 0)) before = { msg: other, node };
    }
    if (before) before.node.before(el); else this.timeline.append(el);
    const mine = msg.author?.id && msg.author.id === state.me?.id;
    if (!before && (nearBottom || mine)) this.scrollToBottom();
    if (msg.direction === 'inbound' && !before) {
      el.classList.add('msg-new');
      this.markRead();
    }
  }

  /** Shows and highlights a message (the 409 case: a newer customer message). */
  highlight(messageId) {
    const el = this.nodes.get(messageId);
    if (!el) return;
    el.classList.add('msg-flash');
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    setTimeout(() => el.classList.remove('msg-flash'), 4000);
  }

  scrollToBottom() {
    requestAnimationFrame(() => { this.timeline.scrollTop = this.timeline.scrollHeight; });
  }
}

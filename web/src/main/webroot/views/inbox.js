// The inbox: views (Mine / Unassigned / All / teams), filters, search, live counts, paging,
// unread markers and keyboard selection. Rows are links to #/c/<id>.
import { api } from '../api.js';
import { on } from '../bus.js';
import { h, clear, $ } from '../dom.js';
import { state, putConversation, contactName, userName } from '../store.js';
import { relTime, fullTime, channelLabel, channelClass, initials, hue, capitalize } from '../format.js';
import { toastError } from '../notify.js';
import { ensureContact } from '../contacts.js';
import { slaBadge } from '../sla.js';

const PAGE = 50;
const COUNT_PAGE = 100;
const PREFS_KEY = 'sb.inbox.prefs';
const PEOPLE = 5; // people shown above the conversations a search found
const MATCH_LABELS = { email: 'Email', phone: 'Phone', social: 'Handle', name: 'Name', subject: 'Subject', text: 'Message' };

function sortKey(c) { return c.lastMessageAt || c.createdAt || ''; }

/**
 * The text as nodes with each occurrence of the query's words (or, for a phone number, its digits)
 * wrapped in <mark>. Only text nodes: customer text never becomes markup.
 */
export function highlighted(text, query) {
  const lower = text.toLowerCase();
  const ranges = [];
  const digits = String(query || '').replace(/\D/g, '');
  if (digits.length >= 6 && /^[+\d\s().\/-]+$/.test(String(query).trim())) {
    // A phone number as typed: mark its digits in the stored number, whatever the separators.
    const i = text.replace(/\D/g, '').indexOf(digits);
    if (i >= 0) {
      let seen = -1; let start = -1; let end = -1;
      for (let k = 0; k < text.length; k++) {
        if (/\d/.test(text[k])) {
          seen += 1;
          if (seen === i) start = k;
          if (seen === i + digits.length - 1) { end = k + 1; break; }
        }
      }
      if (start >= 0 && end > start) ranges.push([start, end]);
    }
  }
  if (!ranges.length) {
    const words = String(query || '').toLowerCase().split(/[^\p{L}\p{N}@._+-]+/u).filter((w) => w.length > 0);
    for (const w of words) {
      for (let i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + w.length)) ranges.push([i, i + w.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (from < at) continue;
    if (from > at) out.push(text.slice(at, from));
    out.push(h('mark', null, text.slice(from, to)));
    at = to;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** "Phone: +48601234567" with the matched part marked. */
function matchPreview(m, q) {
  return h('div', { class: 'conv-preview conv-match', dataset: { field: m.field } },
    h('span', { class: 'match-label' }, `${MATCH_LABELS[m.field] || 'Match'}: `), ...highlighted(m.text, q));
}

export class Inbox {
  constructor() {
    this.list = $('#inbox-list');
    this.scroller = $('#inbox-scroll');
    this.search = $('#search');
    this.status = $('#filter-status');
    this.channel = $('#filter-channel');
    this.tabs = $('#view-tabs');
    this.more = $('#inbox-more');
    this.empty = $('#inbox-empty');
    this.loadingEl = $('#inbox-loading');
    this.people = $('#search-people');
    this.peopleList = $('#search-people-list');
    this.ids = [];
    this.rows = new Map();   // id -> <li>
    this.cursor = null;
    this.loading = false;
    this.gen = 0;
    this.counts = new Map(); // view -> {ids: Set, more: boolean}
    this.activeId = null;
    this.selectedId = null;
    this.view = 'mine';

    const prefs = this.loadPrefs();
    this.view = prefs.view || 'mine';
    if (prefs.status != null) this.status.value = prefs.status;
    if (prefs.channel != null) this.channel.value = prefs.channel;

    this.tabs.addEventListener('click', (e) => {
      const tab = e.target.closest('[data-view]');
      if (tab) this.setView(tab.dataset.view);
    });
    this.tabs.addEventListener('keydown', (e) => this.onTabKey(e));
    this.status.addEventListener('change', () => { if (!this.searching()) this.savePrefs(); this.reload(); });
    this.matchById = new Map(); // search answers: id -> {field, text, messageId}
    this.savedStatus = null;    // the status filter before a search widened it to all statuses
    this.channel.addEventListener('change', () => { this.savePrefs(); this.reload(); });
    let t = null;
    this.search.addEventListener('input', () => { this.onSearchInput(); clearTimeout(t); t = setTimeout(() => this.reload(), 300); });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { clearTimeout(t); this.reload(); }
      if (e.key === 'ArrowDown' || e.key === 'Escape') { e.preventDefault(); this.search.blur(); this.move(e.key === 'ArrowDown' ? 1 : 0); }
    });
    this.more.addEventListener('click', () => this.loadMore());
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((en) => en.isIntersecting)) this.loadMore();
    }, { root: this.scroller, rootMargin: '200px' });
    this.observer.observe(this.more);

    on('conversation', ({ conv, prev }) => this.onConversation(conv, prev));
    on('contact', ({ contact }) => this.onContact(contact));
    // Relative times age; refresh them once a minute.
    setInterval(() => this.refreshTimes(), 60000);
  }

  loadPrefs() {
    try { return JSON.parse(localStorage.getItem(PREFS_KEY)) || {}; } catch { return {}; }
  }

  savePrefs() {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ view: this.view, status: this.savedStatus ?? this.status.value, channel: this.channel.value }));
  }

  /** Adds a tab per team; called once teams are known. */
  setTeams(teams) {
    this.counts.clear();
    for (const el of [...this.tabs.querySelectorAll('[data-view^="team:"]')]) el.remove();
    for (const t of teams) {
      this.tabs.append(h('button', { type: 'button', role: 'tab', class: 'view-tab', dataset: { view: `team:${t.id}` } },
        t.name || 'Team', ' ', h('span', { class: 'count' })));
    }
    if (this.view.startsWith('team:') && !teams.some((t) => `team:${t.id}` === this.view)) this.view = 'mine';
    this.renderTabs();
  }

  views() {
    return [...this.tabs.querySelectorAll('[data-view]')].map((el) => el.dataset.view);
  }

  setView(view) {
    if (!view || view === this.view) return;
    this.view = view;
    this.savePrefs();
    this.renderTabs();
    this.reload();
  }

  onTabKey(e) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const tabs = [...this.tabs.querySelectorAll('[data-view]')];
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    this.setView(next.dataset.view);
  }

  renderTabs() {
    for (const el of this.tabs.querySelectorAll('[data-view]')) {
      const selected = el.dataset.view === this.view;
      el.classList.toggle('active', selected);
      el.setAttribute('aria-selected', String(selected));
      el.tabIndex = selected ? 0 : -1;
      const c = this.counts.get(el.dataset.view);
      const count = el.querySelector('.count');
      if (count) count.textContent = c ? `${c.ids.size}${c.more ? '+' : ''}` : '';
      const unread = c ? [...c.ids].some((id) => state.conversations.get(id)?.unread) : false;
      el.classList.toggle('has-unread', unread);
    }
    // Unread open conversations that are mine or unassigned, in the tab title.
    const ids = new Set([...(this.counts.get('mine')?.ids || []), ...(this.counts.get('unassigned')?.ids || [])]);
    const n = [...ids].filter((id) => state.conversations.get(id)?.unread).length;
    document.title = n ? `(${n}) Switchboard` : 'Switchboard';
  }

  viewMatches(view, conv) {
    if (view === 'mine') return !!state.me && conv.assigneeId === state.me.id;
    if (view === 'unassigned') return !conv.assigneeId;
    if (view.startsWith('team:')) return conv.teamId === view.slice(5);
    return true;
  }

  matches(conv) {
    if (!this.searching() && !this.viewMatches(this.view, conv)) return false;
    const st = this.status.value;
    if (st && conv.status !== st) return false;
    const ch = this.channel.value;
    if (ch && !(conv.channels || []).includes(ch)) return false;
    return true;
  }

  searching() { return !!this.search.value.trim(); }

  /**
   * A search looks through every conversation the user may see, whatever the tab, in every status:
   * the status filter shows "All statuses" while searching (choosing one then narrows the search)
   * and comes back when the search box is cleared.
   */
  onSearchInput() {
    if (this.searching() && this.savedStatus == null) {
      this.savedStatus = this.status.value;
      this.status.value = '';
    } else if (!this.searching() && this.savedStatus != null) {
      this.status.value = this.savedStatus;
      this.savedStatus = null;
    }
  }

  viewQuery(view) {
    if (view === 'mine') return { assignee: 'me' };
    if (view === 'unassigned') return { assignee: 'unassigned' };
    if (view.startsWith('team:')) return { assignee: 'any', teamId: view.slice(5) };
    return { assignee: 'any' };
  }

  query(cursor) {
    return {
      ...(this.searching() ? { assignee: 'any' } : this.viewQuery(this.view)),
      status: this.status.value || null,
      channel: this.channel.value || null,
      q: this.search.value.trim() || null,
      limit: PAGE,
      cursor,
    };
  }

  /** Reloads the list from the first page; resolves to the answer's Switchboard-Seq. */
  async reload() {
    const gen = ++this.gen;
    this.loading = true;
    this.cursor = null;
    this.loadingEl.hidden = false;
    this.empty.hidden = true;
    this.loadPeople(this.search.value.trim(), gen);
    try {
      const { data, seq } = await api('GET', '/api/v1/conversations', { query: this.query(null) });
      if (gen !== this.gen) return seq;
      this.ids = [];
      this.rows.clear();
      this.matchById.clear();
      clear(this.list);
      this.cursor = data?.nextCursor || null;
      for (const c of data?.items || []) { this.keepMatch(c); putConversation(c, seq); this.addId(c.id, true); }
      this.render();
      return seq;
    } catch (e) {
      if (gen === this.gen && e.status !== 401) toastError(e, 'Could not load conversations');
      return null;
    } finally {
      if (gen === this.gen) { this.loading = false; this.loadingEl.hidden = true; this.render(); }
    }
  }

  async loadMore() {
    if (this.loading || !this.cursor) return;
    const gen = this.gen;
    this.loading = true;
    this.loadingEl.hidden = false;
    try {
      const { data, seq } = await api('GET', '/api/v1/conversations', { query: this.query(this.cursor) });
      if (gen !== this.gen) return;
      this.cursor = data?.nextCursor || null;
      for (const c of data?.items || []) { this.keepMatch(c); putConversation(c, seq); this.addId(c.id, true); }
    } catch (e) {
      if (e.status !== 401) toastError(e, 'Could not load more conversations');
    } finally {
      if (gen === this.gen) { this.loading = false; this.loadingEl.hidden = true; this.render(); }
    }
  }

  /** Counts of open conversations per view (first page of each; "50+" beyond). */
  async loadCounts() {
    const views = this.views();
    await Promise.all(views.map(async (view) => {
      try {
        const { data, seq } = await api('GET', '/api/v1/conversations', { query: { ...this.viewQuery(view), status: 'open', limit: COUNT_PAGE } });
        const items = data?.items || [];
        this.counts.set(view, { ids: new Set(items.map((c) => c.id)), more: !!data?.nextCursor });
        for (const c of items) putConversation(c, seq);
      } catch { this.counts.delete(view); }
    }));
    this.renderTabs();
  }

  /** Search answers say what matched; the row shows it instead of the preview (not stored with the conversation). */
  keepMatch(c) {
    if (c.match) this.matchById.set(c.id, c.match);
    delete c.match;
  }

  addId(id, append) {
    if (this.ids.includes(id)) return;
    if (append) { this.ids.push(id); return; }
    const conv = state.conversations.get(id);
    const key = sortKey(conv);
    let i = this.ids.findIndex((other) => sortKey(state.conversations.get(other)) < key);
    if (i < 0) {
      if (this.cursor) return; // belongs to a page not loaded yet
      i = this.ids.length;
    }
    this.ids.splice(i, 0, id);
  }

  onConversation(conv, prev) {
    // Live counts.
    let countsChanged = false;
    for (const [view, c] of this.counts) {
      const inView = conv.status === 'open' && this.viewMatches(view, conv);
      if (inView && !c.ids.has(conv.id)) { c.ids.add(conv.id); countsChanged = true; }
      else if (!inView && c.ids.delete(conv.id)) countsChanged = true;
      else if (inView && prev?.unread !== conv.unread) countsChanged = true;
    }
    if (countsChanged) this.renderTabs();

    // The visible list.
    const listed = this.ids.includes(conv.id);
    const searching = !!this.search.value.trim();
    const belongs = this.matches(conv) && (listed || !searching);
    if (belongs && listed) {
      if (prev && sortKey(prev) !== sortKey(conv)) {
        this.ids.splice(this.ids.indexOf(conv.id), 1);
        this.addId(conv.id, false);
        if (!this.ids.includes(conv.id)) this.ids.push(conv.id);
      }
      this.rows.delete(conv.id);
      this.render();
    } else if (belongs && !this.loading) {
      this.addId(conv.id, false);
      this.render();
    } else if (!belongs && listed) {
      this.ids.splice(this.ids.indexOf(conv.id), 1);
      this.rows.delete(conv.id);
      if (this.selectedId === conv.id) this.selectedId = null;
      this.render();
    }
  }

  onContact(contact) {
    let changed = false;
    for (const id of this.ids) {
      if (state.conversations.get(id)?.contactId === contact.id) { this.rows.delete(id); changed = true; }
    }
    if (changed) this.render();
  }

  refreshTimes() {
    for (const el of this.list.querySelectorAll('time.conv-time')) {
      const at = el.getAttribute('datetime');
      if (at) el.textContent = relTime(at);
    }
  }

  setActive(id) {
    this.activeId = id;
    if (id) this.selectedId = id;
    for (const el of this.list.querySelectorAll('.conv-row')) {
      const on = el.dataset.id === id;
      el.classList.toggle('active', on);
      if (on) el.setAttribute('aria-current', 'true'); else el.removeAttribute('aria-current');
      el.classList.toggle('selected', el.dataset.id === this.selectedId);
    }
  }

  /** Moves the keyboard selection (j/k); delta 0 selects the current or first row. */
  move(delta) {
    if (!this.ids.length) return;
    let i = this.ids.indexOf(this.selectedId ?? this.activeId);
    i = i < 0 ? 0 : Math.max(0, Math.min(this.ids.length - 1, i + delta));
    this.selectedId = this.ids[i];
    for (const el of this.list.querySelectorAll('.conv-row')) el.classList.toggle('selected', el.dataset.id === this.selectedId);
    const row = this.list.querySelector(`.conv-row[data-id="${CSS.escape(this.selectedId)}"]`);
    if (row) { row.focus({ preventScroll: true }); row.scrollIntoView({ block: 'nearest' }); }
    if (i >= this.ids.length - 3) this.loadMore();
  }

  /** The conversation that Enter/o should open: the focused row, else the selection. */
  selected() {
    const focused = document.activeElement?.closest?.('.conv-row');
    return focused?.dataset.id || this.selectedId || this.ids[0] || null;
  }

  render() {
    const wanted = this.ids.map((id) => {
      let li = this.rows.get(id);
      if (!li) {
        const conv = state.conversations.get(id);
        if (!conv) return null;
        li = this.renderRow(conv);
        this.rows.set(id, li);
      }
      return li;
    }).filter(Boolean);
    // Reconcile in place so focus and scroll position survive live updates.
    let cursor = this.list.firstChild;
    for (const li of wanted) {
      if (li === cursor) { cursor = cursor.nextSibling; continue; }
      const hadFocus = li.contains(document.activeElement);
      this.list.insertBefore(li, cursor);
      if (hadFocus) li.querySelector('.conv-row')?.focus({ preventScroll: true });
    }
    while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }
    this.empty.hidden = this.loading || this.ids.length > 0;
    this.more.hidden = !this.cursor;
  }

  /** What the search found in this conversation, its words marked. */
  matchLine(conv) {
    const m = this.searching() ? this.matchById.get(conv.id) : null;
    return m && m.text ? matchPreview(m, this.search.value) : null;
  }

  /** Two lines a row (three while searching: what matched), so a laptop screen shows eight or more. */
  renderRow(conv) {
    const name = contactName(conv);
    if (!name && conv.contactId) ensureContact(conv.contactId);
    const preview = conv._preview ?? conv.preview ?? conv.lastMessage?.text ?? conv.lastMessagePreview ?? '';
    const assignee = conv.assigneeId ? (userName(conv.assigneeId) || conv.assignee?.name || 'Assigned') : null;
    const active = conv.id === this.activeId;
    const row = h('a', {
      class: ['conv-row', conv.unread && 'unread', active && 'active', conv.id === this.selectedId && 'selected', `prio-${conv.priority || 'normal'}`],
      href: `#/c/${encodeURIComponent(conv.id)}`,
      dataset: { id: conv.id },
      'aria-current': active ? 'true' : null,
    },
      h('div', { class: 'conv-line' },
        h('span', { class: 'unread-dot', title: conv.unread ? 'Unread' : null }),
        h('span', { class: 'conv-contact' }, name || 'Unknown contact'),
        conv.unread ? h('span', { class: 'sr-only' }, ' (unread)') : null,
        (conv.channels || []).map((k) => h('span', { class: ['ch-badge', channelClass(k)], title: channelLabel(k) }, channelLabel(k))),
        h('time', { class: 'conv-time', datetime: sortKey(conv), title: fullTime(sortKey(conv)) }, relTime(sortKey(conv)))),
      h('div', { class: 'conv-line' },
        h('span', { class: 'conv-subject' }, conv.subject || '(no subject)'),
        preview && !this.searching() ? h('span', { class: 'conv-preview' }, preview) : null,
        conv.priority && conv.priority !== 'normal' && conv.priority !== 'low'
          ? h('span', { class: ['prio-badge', `prio-${conv.priority}`] }, capitalize(conv.priority)) : null,
        conv.status && conv.status !== 'open' ? h('span', { class: ['status-chip', `status-${conv.status}`] }, capitalize(conv.status)) : null,
        slaBadge(conv),
        conv.needsCallback ? h('span', { class: 'badge badge-callback', title: 'A missed call or voicemail: call the customer back' }, 'Needs callback') : null,
        assignee ? h('span', { class: ['avatar', 'avatar-tiny', `hue-${hue(conv.assigneeId)}`], title: `Assigned to ${assignee}` }, initials(assignee)) : null),
      this.matchLine(conv));
    return h('li', { class: 'conv-item' }, row);
  }

  /** People the search found (GET /api/v1/contacts?q=): each opens the contact's card. */
  async loadPeople(q, gen) {
    let items = [];
    if (q) {
      try {
        const { data } = await api('GET', '/api/v1/contacts', { query: { q, limit: PEOPLE } });
        items = data?.items || [];
      } catch (e) {
        if (e.status !== 401) toastError(e, 'Could not search people');
      }
    }
    if (gen !== this.gen) return;
    clear(this.peopleList);
    for (const c of items) this.peopleList.append(h('li', { class: 'conv-item' }, this.personRow(c, q)));
    this.people.hidden = items.length === 0;
  }

  personRow(c, q) {
    const name = c.name || 'Unknown contact';
    const m = c.match;
    const other = (c.identities || []).find((i) => !m || i.value !== m.text);
    return h('a', { class: 'conv-row person-row', href: `#/contact/${encodeURIComponent(c.id)}`, dataset: { contactId: c.id } },
      h('div', { class: 'conv-line' },
        h('span', { class: ['avatar', 'avatar-tiny', `hue-${hue(c.id)}`], 'aria-hidden': 'true' }, initials(name)),
        h('span', { class: 'conv-contact' }, m?.field === 'name' ? highlighted(name, q) : name)),
      m && m.text && m.field !== 'name' ? matchPreview(m, q) : h('div', { class: 'conv-preview' }, other ? other.value : ''));
  }
}

// The contact panel: name, identities with their verified state, suggested merges (confirm),
// conversations on any channel, orders and returns.
import { api } from '../api.js';
import { on, emit } from '../bus.js';
import { h, clear, $, safeUrl } from '../dom.js';
import { state, putConversation } from '../store.js';
import { loadContact } from '../contacts.js';
import { initials, hue, relTime, fullTime, capitalize, channelLabel, channelClass } from '../format.js';
import { toast, toastError } from '../notify.js';

function identityKind(i) {
  return i.kind || i.type || (i.email ? 'email' : i.phone ? 'phone' : 'social');
}

function identityValue(i) {
  if (i.value != null) return String(i.value);
  if (i.email) return i.email;
  if (i.phone) return i.phone;
  if (i.handle) return i.platform ? `${i.platform}: ${i.handle}` : i.handle;
  return '';
}

function suggestionsOf(c) {
  const list = c.suggestedMerges || c.mergeSuggestions || c.suggestions || [];
  return Array.isArray(list) ? list : [];
}

export class ContactPanel {
  constructor() {
    this.el = $('#contact-panel');
    this.contactId = null;
    this.conversationId = null;
    this.renderEmpty();
    on('contact', ({ contact }) => { if (contact.id === this.contactId) this.render(); });
    // The card lists the contact's conversations; keep their status and subject as they change.
    on('conversation', ({ conv }) => {
      const listed = state.contacts.get(this.contactId)?.conversations?.find?.((cv) => cv.id === conv.id);
      if (!listed || (listed.status === conv.status && listed.subject === conv.subject)) return;
      listed.status = conv.status;
      listed.subject = conv.subject;
      this.render();
    });
  }

  /** The card of a contact on its own (a person found by search), with no conversation open. */
  async showContact(contactId) {
    this.conversationId = null;
    this.contactId = contactId;
    this.render();
    await loadContact(contactId, { force: true });
  }

  async show(conversationId) {
    this.conversationId = conversationId;
    const conv = state.conversations.get(conversationId);
    this.contactId = conv?.contactId || conv?.contact?.id || null;
    if (!this.contactId) { this.renderEmpty(); return; }
    this.render();
    await loadContact(this.contactId, { force: true });
  }

  clear() {
    this.contactId = null;
    this.conversationId = null;
    this.renderEmpty();
  }

  renderEmpty() {
    clear(this.el);
    this.el.append(h('div', { class: 'panel-empty muted' }, 'Contact details appear here.'));
  }

  render() {
    const c = state.contacts.get(this.contactId) || { id: this.contactId };
    clear(this.el);
    const name = c.name || c.displayName || 'Unknown contact';
    this.el.append(h('div', { class: 'contact-card' },
      h('span', { class: ['avatar', 'avatar-large', `hue-${hue(c.id)}`], 'aria-hidden': 'true' }, initials(name)),
      h('div', null,
        h('h2', { class: 'contact-name' }, name),
        c.createdAt ? h('p', { class: 'muted small' }, `Customer since ${new Date(c.createdAt).toLocaleDateString()}`) : null)));

    const ids = Array.isArray(c.identities) ? c.identities : [];
    this.el.append(this.section('Identities', ids.length
      ? h('ul', { class: 'identities' }, ids.map((i) => {
        const kind = identityKind(i);
        const verified = !!i.verified;
        return h('li', { class: ['identity', verified ? 'verified' : 'unverified'], dataset: { kind, verified: String(verified) } },
          h('span', { class: ['ch-badge', channelClass(kind === 'handle' ? 'social' : kind)] }, kind === 'handle' ? 'Social' : capitalize(kind)),
          h('span', { class: 'identity-value' }, identityValue(i)),
          h('span', { class: ['verify-badge', verified ? 'is-verified' : 'is-unverified'], title: verified ? 'Vouched for by the channel' : 'Not verified: never used to match contacts' },
            verified ? 'Verified' : 'Unverified'));
      }))
      : (c._full ? h('p', { class: 'muted small' }, 'No identities.') : h('p', { class: 'muted small' }, 'Loading…'))));

    const sugg = suggestionsOf(c);
    if (sugg.length) {
      this.el.append(this.section('Suggested merges', h('ul', { class: 'merges' }, sugg.map((s) => {
        const otherId = s.otherId || s.contactId || s.id || s.contact?.id;
        const otherName = s.name || s.contact?.name || 'Another contact';
        const why = s.reason || (s.identity ? identityValue(s.identity) : '') || s.value || '';
        const btn = h('button', { type: 'button', class: 'btn btn-small btn-primary merge-confirm', onclick: () => this.merge(otherId, btn) }, 'Confirm merge');
        return h('li', { class: 'merge', dataset: { otherId } },
          h('div', null, h('strong', null, otherName), why ? h('div', { class: 'muted small' }, `Shares ${why}`) : null),
          btn);
      })), 'section-merge'));
    }

    const convs = Array.isArray(c.conversations) ? c.conversations : [];
    this.el.append(this.section(`Conversations${convs.length ? ` (${convs.length})` : ''}`, convs.length
      ? h('ul', { class: 'contact-convs' }, convs.map((cv) => h('li', null,
        h('a', { class: ['contact-conv', cv.id === this.conversationId && 'current'], href: `#/c/${encodeURIComponent(cv.id)}`, dataset: { id: cv.id } },
          h('span', { class: 'contact-conv-subject' }, cv.subject || '(no subject)'),
          h('span', { class: 'contact-conv-meta' },
            (cv.channels || []).map((k) => h('span', { class: ['ch-dot', channelClass(k)], title: channelLabel(k) })),
            h('span', { class: ['status-chip', `status-${cv.status}`] }, capitalize(cv.status || '')),
            h('time', { datetime: cv.lastMessageAt || cv.createdAt || '', title: fullTime(cv.lastMessageAt || cv.createdAt) }, relTime(cv.lastMessageAt || cv.createdAt)))))))
      : h('p', { class: 'muted small' }, c._full ? 'No other conversations.' : '…')));

    const orders = Array.isArray(c.orders) ? c.orders : [];
    if (orders.length) this.el.append(this.section('Orders', h('ul', { class: 'orders' }, orders.map((o) => this.order(o)))));
    const returns = Array.isArray(c.returns) ? c.returns : [];
    if (returns.length) {
      this.el.append(this.section('Returns & complaints', h('ul', { class: 'orders' }, returns.map((r) => h('li', { class: 'order' },
        h('div', { class: 'order-head' }, h('strong', null, `${capitalize(r.kind || 'return')} ${r.number || ''}`.trim()),
          h('span', { class: ['status-chip', `rma-${r.status}`] }, capitalize(r.status || ''))),
        r.reason ? h('div', { class: 'muted small' }, r.reason) : null)))));
    }

    this.el.append(h('div', { class: 'panel-actions' },
      h('button', { type: 'button', id: 'new-conversation', class: 'btn btn-block', onclick: () => emit('new-conversation', c) }, 'New conversation')));
  }

  section(title, body, cls) {
    return h('section', { class: ['panel-section', cls] }, h('h3', null, title), body);
  }

  order(o) {
    const total = o.total != null ? `${o.total} ${o.currency || ''}`.trim() : '';
    return h('li', { class: 'order' },
      h('div', { class: 'order-head' },
        h('strong', null, `#${o.externalId || o.number || o.id || ''}`),
        h('span', { class: ['status-chip', `order-${o.status}`] }, capitalize(o.status || ''))),
      h('div', { class: 'muted small' }, [total, o.placedAt ? new Date(o.placedAt).toLocaleDateString() : ''].filter(Boolean).join(' · ')),
      Array.isArray(o.items) && o.items.length ? h('div', { class: 'small' }, o.items.map((i) => `${i.qty ?? 1}× ${i.name || i.sku}`).join(', ')) : null,
      (o.shipments || []).map((s) => {
        const url = safeUrl(s.trackingUrl);
        const label = `${s.carrier || 'Shipment'} ${s.trackingNumber || ''}`.trim();
        return h('div', { class: 'small shipment' },
          url && /^https?:/.test(url) ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label) : h('span', null, label),
          s.status ? h('span', { class: 'muted' }, ` · ${s.status.replace(/_/g, ' ')}`) : null);
      }));
  }

  async merge(otherId, btn) {
    if (!otherId || !this.contactId) return;
    btn.disabled = true;
    btn.textContent = 'Merging…';
    try {
      await api('POST', `/api/v1/contacts/${encodeURIComponent(this.contactId)}/merge`, { body: { otherId } });
      toast('Contacts merged.', { kind: 'success', timeout: 3000 });
      await loadContact(this.contactId, { force: true });
    } catch (e) {
      btn.disabled = false;
      btn.textContent = 'Confirm merge';
      if (e.status !== 401) toastError(e, 'Could not merge the contacts');
    }
  }
}

/** The "New conversation" dialog for a contact: POST /api/v1/conversations. */
export class NewConversationDialog {
  constructor() {
    this.dialog = $('#new-conv-dialog');
    this.form = $('#new-conv-form');
    this.channel = $('#new-conv-channel');
    this.subject = $('#new-conv-subject');
    this.text = $('#new-conv-text');
    this.contact = null;
    $('#new-conv-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    on('new-conversation', (c) => this.open(c));
  }

  open(contact, channels = []) {
    this.contact = contact;
    $('#new-conv-contact').textContent = `To ${contact?.name || 'this contact'}`;
    clear(this.channel);
    this.channel.append(h('option', { value: '' }, 'Best channel for this contact'));
    for (const ch of state.channels || channels) {
      if (ch?.id && ch.kind !== 'store') this.channel.append(h('option', { value: ch.id }, `${channelLabel(ch.kind)} · ${ch.name || ''}`));
    }
    this.subject.value = '';
    this.text.value = '';
    this.dialog.showModal();
    this.text.focus();
  }

  async submit() {
    const text = this.text.value.trim();
    if (!text) { this.text.focus(); return; }
    const body = { contactId: this.contact?.id, subject: this.subject.value.trim() || null, text };
    if (this.channel.value) body.channelId = this.channel.value;
    const btn = $('#new-conv-submit');
    btn.disabled = true;
    try {
      emit('creating-conversation', this.contact?.id);
      const { data } = await api('POST', '/api/v1/conversations', { body });
      if (data?.id) emit('assigning', { conversationId: data.id, assigneeId: data.assigneeId });
      this.dialog.close();
      if (data?.id) {
        putConversation(data);
        location.hash = `#/c/${encodeURIComponent(data.id)}`;
      }
    } catch (e) {
      if (e.status !== 401) toastError(e, 'Could not start the conversation');
    } finally {
      btn.disabled = false;
    }
  }
}

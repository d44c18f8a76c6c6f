// Rename (click the subject) and split (choose messages -> "Split into new conversation") for the
// open conversation. The server answers with the new conversation; events move the messages in
// every console (message.updated with the new conversationId), so this view only navigates.
import { api } from '../api.js';
import { h, clear, $ } from '../dom.js';
import { putConversation } from '../store.js';
import { toast, toastError } from '../notify.js';

export class SplitRename {
  constructor(view) {
    this.view = view;
    this.title = $('#conv-title');
    this.timeline = $('#timeline');
    this.selecting = false;
    this.chosen = new Set();

    // The subject is a button-like heading: click or Enter renames.
    this.title.tabIndex = 0;
    this.title.setAttribute('role', 'button');
    this.title.title = 'Rename (click to edit the subject)';
    this.title.classList.add('conv-title-editable');
    this.title.addEventListener('click', () => this.startRename());
    this.title.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === 'F2') { e.preventDefault(); this.startRename(); } });

    this.splitBtn = h('button', { id: 'conv-split', type: 'button', class: 'btn btn-small', title: 'Move chosen messages into a new conversation' }, 'Split…');
    $('#conv-resolve').before(this.splitBtn);
    this.splitBtn.addEventListener('click', () => (this.selecting ? this.stop() : this.start()));

    this.bar = h('div', { id: 'split-bar', class: 'split-bar', role: 'region', 'aria-label': 'Split conversation', hidden: true });
    this.timeline.before(this.bar);
    this.timeline.addEventListener('click', (e) => this.onTimelineClick(e));
    this.timeline.addEventListener('keydown', (e) => {
      if (this.selecting && (e.key === ' ' || e.key === 'Enter') && e.target.closest?.('.msg')) { e.preventDefault(); this.toggle(e.target.closest('.msg')); }
    });
  }

  /** Called when another conversation opens: nothing carries over. */
  reset() {
    if (this.selecting) this.stop();
    this.cancelRename();
  }

  // ---- rename -----------------------------------------------------------------------------

  startRename() {
    const conv = this.view.conv;
    if (!conv || this.input) return;
    this.input = h('input', {
      id: 'conv-title-input', class: 'conv-title-input', type: 'text', maxlength: '500',
      'aria-label': 'Subject', value: conv.subject || '',
    });
    this.title.hidden = true;
    this.title.after(this.input);
    this.input.focus();
    this.input.select();
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); this.saveRename(); }
      if (e.key === 'Escape') { e.preventDefault(); this.cancelRename(); this.title.focus(); }
    });
    this.input.addEventListener('blur', () => { if (this.input) this.saveRename(); });
  }

  cancelRename() {
    const input = this.input;
    this.input = null; // first: removing a focused input fires blur, which must not save again
    input?.remove();
    this.title.hidden = false;
  }

  async saveRename() {
    const conv = this.view.conv;
    const input = this.input;
    if (!conv || !input) return;
    const subject = input.value.trim();
    if (!subject) { toast('The subject cannot be empty.', { kind: 'error' }); input.focus(); return; }
    this.cancelRename();
    if (subject === (conv.subject || '')) return;
    this.title.textContent = subject;
    try {
      const { data, seq } = await api('PATCH', `/api/v1/conversations/${encodeURIComponent(conv.id)}`, { body: { subject } });
      putConversation(data, seq);
    } catch (e) {
      this.title.textContent = conv.subject || '(no subject)';
      if (e.status !== 401) toastError(e, 'Could not rename the conversation');
    }
  }

  // ---- split ------------------------------------------------------------------------------

  start() {
    this.selecting = true;
    this.chosen.clear();
    this.splitBtn.setAttribute('aria-pressed', 'true');
    this.timeline.classList.add('selecting');
    for (const el of this.timeline.querySelectorAll('.msg')) this.decorate(el);
    this.renderBar();
    this.bar.hidden = false;
  }

  stop() {
    this.selecting = false;
    this.chosen.clear();
    this.splitBtn.setAttribute('aria-pressed', 'false');
    this.timeline.classList.remove('selecting');
    for (const el of this.timeline.querySelectorAll('.msg')) {
      el.classList.remove('msg-chosen');
      el.removeAttribute('aria-selected');
      el.removeAttribute('tabindex');
    }
    this.bar.hidden = true;
    clear(this.bar);
  }

  /** A message rendered while choosing (a live one) can be chosen too. */
  decorate(el) {
    if (!this.selecting) return;
    el.tabIndex = 0;
    el.setAttribute('aria-selected', String(this.chosen.has(el.dataset.id)));
    el.classList.toggle('msg-chosen', this.chosen.has(el.dataset.id));
  }

  onTimelineClick(e) {
    if (!this.selecting) return;
    if (e.target.closest('a, button, input, textarea, select, summary')) return;
    const el = e.target.closest('.msg');
    if (el) this.toggle(el);
  }

  toggle(el) {
    const id = el.dataset.id;
    if (!id) return;
    if (this.chosen.has(id)) this.chosen.delete(id); else this.chosen.add(id);
    this.decorate(el);
    this.renderBar();
  }

  /** The message left this conversation (split elsewhere): it can no longer be chosen. */
  forget(id) {
    if (this.chosen.delete(id) && this.selecting) this.renderBar();
  }

  renderBar() {
    const n = this.chosen.size;
    const total = this.timeline.querySelectorAll('.msg').length;
    const subject = h('input', { id: 'split-subject', type: 'text', maxlength: '500', placeholder: 'Subject of the new conversation', 'aria-label': 'Subject of the new conversation', value: this.bar.querySelector('#split-subject')?.value || '' });
    const go = h('button', { id: 'split-go', type: 'button', class: 'btn btn-primary btn-small', disabled: n === 0 || n >= total }, 'Split into new conversation');
    go.addEventListener('click', () => this.split(subject.value.trim()));
    clear(this.bar);
    this.bar.append(
      h('span', { class: 'split-count', 'aria-live': 'polite' }, n === 0 ? 'Choose the messages to move.'
        : n >= total ? 'Leave at least one message here.' : `${n} message${n > 1 ? 's' : ''} chosen.`),
      subject, go,
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => this.stop() }, 'Cancel'));
  }

  async split(subject) {
    const conv = this.view.conv;
    if (!conv || !this.chosen.size) return;
    const body = { messageIds: [...this.chosen] };
    if (subject) body.subject = subject;
    try {
      const { data, seq } = await api('POST', `/api/v1/conversations/${encodeURIComponent(conv.id)}/split`, { body });
      this.stop();
      putConversation(data, seq);
      toast(`${body.messageIds.length} message${body.messageIds.length > 1 ? 's' : ''} moved to a new conversation.`, {
        action: { label: 'Open it', run: () => { location.hash = `#/c/${encodeURIComponent(data.id)}`; } },
      });
    } catch (e) {
      if (e.status !== 401) toastError(e, 'Could not split the conversation');
    }
  }
}

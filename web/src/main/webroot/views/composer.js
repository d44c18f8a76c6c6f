// The composer: reply or internal note, reply channel, attachments, drafts per conversation,
// idempotent sends (clientId reused on retry) and the 409 "a newer customer message arrived" case.
import { api, uploadAttachment } from '../api.js';
import { emit } from '../bus.js';
import { h, clear, $, setOptions } from '../dom.js';
import { state, putMessage } from '../store.js';
import { uuid, fileSize, channelLabel } from '../format.js';
import { toast, toastError } from '../notify.js';
import { loadDraft, saveDraft, clearDraft } from '../drafts.js';
import { replyChannels, loadChannels } from '../channels.js';
import { TemplatePicker } from './templates.js';

const MAX_BYTES = 25 * 1024 * 1024;
const TYPING_EVERY_MS = 2000;

export class Composer {
  constructor(conversationView) {
    this.view = conversationView;
    this.form = $('#composer');
    this.text = $('#composer-text');
    this.sendBtn = $('#composer-send');
    this.noteBtn = $('#composer-note-toggle');
    this.replyBtn = $('#composer-reply-toggle');
    this.channelSel = $('#composer-channel');
    this.filesEl = $('#composer-files');
    this.fileInput = $('#composer-file');
    this.conflictEl = $('#composer-conflict');
    this.hint = $('#composer-hint');
    this.id = null;
    this.note = false;
    this.attachments = []; // [{id, name, size, contentType}] uploaded
    this.uploading = 0;
    this.sending = false;
    this.attempt = null;   // {clientId, signature}: reused while the same content is retried
    this.lastTyping = 0;
    this.saveTimer = null;
    this.wantedChannel = null; // the draft's channel, kept until the dropdown can offer it
    this.options = null;       // GET reply-options: {defaultChannelId, channels:[{id,kind,name,to}], phone}
    this.call = false;         // "Log a call" mode: a private note about a phone call
    this.callBtn = h('button', { id: 'composer-call-toggle', type: 'button', class: 'mode', 'aria-pressed': 'false', hidden: true }, 'Log a call');
    this.noteBtn.after(this.callBtn);
    this.callOutcome = h('select', { id: 'composer-call-outcome', 'aria-label': 'Call outcome', hidden: true },
      h('option', { value: 'answered' }, 'Reached the customer'), h('option', { value: 'missed' }, 'No answer'));
    this.callBtn.after(this.callOutcome);
    this.templates = new TemplatePicker(this.text); // WhatsApp outside its 24-hour window
    this.callBtn.addEventListener('click', () => this.setNote(true, { call: true }));

    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    // From a call log, or when no written reply is possible, "Internal note" stays a note.
    this.noteBtn.addEventListener('click', () => this.setNote(this.call || this.replyBtn.hidden || !this.note));
    this.replyBtn.addEventListener('click', () => this.setNote(false));
    this.text.addEventListener('input', () => this.onInput());
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.send(); }
      if (e.key === 'Escape') { e.preventDefault(); this.leave(); }
    });
    this.channelSel.addEventListener('change', () => { this.wantedChannel = this.channelSel.value || null; this.saveNow(); this.offerTemplates(); });
    $('#composer-attach').addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => { this.addFiles([...this.fileInput.files]); this.fileInput.value = ''; });
    this.form.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) { e.preventDefault(); this.form.classList.add('dragging'); } });
    this.form.addEventListener('dragleave', () => this.form.classList.remove('dragging'));
    this.form.addEventListener('drop', (e) => {
      this.form.classList.remove('dragging');
      if (e.dataTransfer?.files?.length) { e.preventDefault(); this.addFiles([...e.dataTransfer.files]); }
    });
    this.text.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files || [])];
      if (files.length) { e.preventDefault(); this.addFiles(files); }
    });
  }

  /** Switches to a conversation: the current draft is saved, the new one restored. */
  open(id) {
    if (this.id && this.id !== id) this.saveNow();
    this.id = id;
    this.attempt = null;
    this.conflictEl.hidden = true;
    const d = loadDraft(id) || {};
    this.text.value = d.text || '';
    this.attachments = Array.isArray(d.attachments) ? d.attachments : [];
    this.wantedChannel = d.channelId || null;
    this.options = null;
    this.templates.hide();
    this.replyBtn.hidden = false;
    this.callBtn.hidden = true;
    this.setNote(!!d.note, { save: false, call: !!d.call });
    this.renderFiles();
    clear(this.channelSel); // the previous conversation's choice must not carry over
    this.refreshChannels();
    loadChannels().then(() => { if (this.id === id && !this.options) this.refreshChannels(); });
    this.loadOptions(id);
  }

  /** Asks the server which channels can carry a written reply to this customer. */
  async loadOptions(id) {
    try {
      const { data } = await api('GET', `/api/v1/conversations/${encodeURIComponent(id)}/reply-options`);
      if (this.id !== id || !data) return;
      this.options = data;
      this.refreshChannels();
    } catch { /* keep the dropdown built from what the console knows */ }
  }

  /** The reply-channel dropdown: "automatic" (rule 3) plus the contact's channels. */
  refreshChannels() {
    if (this.options) { this.offerOptions(); return; }
    const selected = this.channelSel.value || this.wantedChannel;
    const conv = state.conversations.get(this.id);
    const contact = conv?.contactId ? state.contacts.get(conv.contactId) : null;
    const options = [{ value: '', label: 'Reply via: latest channel' },
      ...replyChannels(this.id, contact).map((c) => ({ value: c.id, label: `Reply via: ${c.label}` }))];
    setOptions(this.channelSel, options, selected || '');
    this.channelSel.hidden = this.note || options.length < 2;
  }

  /**
   * Only what can carry a written reply: the server's text channels (rule 3's default first). With
   * none, Reply gives way to "Log a call" (a verified phone) or internal notes.
   */
  offerOptions() {
    const o = this.options;
    const selected = this.channelSel.value || this.wantedChannel;
    const label = (c) => `Reply via: ${channelLabel(c.kind)}${c.name ? ` · ${c.name}` : ''}${c.to ? ` (${c.to})` : ''}`;
    const def = o.channels.find((c) => c.id === o.defaultChannelId);
    const options = [
      ...(def ? [{ value: '', label: label(def) }] : []),
      ...o.channels.filter((c) => c !== def).map((c) => ({ value: c.id, label: label(c) })),
    ];
    setOptions(this.channelSel, options, options.some((x) => x.value === selected) ? selected : (options[0]?.value ?? ''));
    const canWrite = options.length > 0;
    this.replyBtn.hidden = !canWrite;
    this.callBtn.hidden = !o.phone;
    this.callBtn.title = o.phone ? `Record a call with ${o.phone}` : '';
    if (!canWrite && !this.note) this.setNote(true, { call: !!o.phone, save: false });
    this.hint.textContent = canWrite ? this.hint.textContent
      : o.phone ? `This customer has only a verified phone number (${o.phone}): call them and log the call, or add a note.`
        : 'This customer cannot get a written reply from here: add an internal note.';
    this.channelSel.hidden = this.note || options.length < 2;
    this.offerTemplates();
  }

  /** The reply option picked (rule 3's default when none is), from the server's reply options. */
  pickedOption() {
    const o = this.options;
    const id = this.channelSel.value || o?.defaultChannelId;
    return o?.channels.find((c) => c.id === id) || null;
  }

  /** A WhatsApp reply outside the 24-hour window is a template: the picker replaces the text. */
  offerTemplates() {
    const hint = this.note ? this.templates.hide() : this.templates.show(this.pickedOption());
    if (hint && !this.uploading) this.hint.textContent = hint;
  }

  setNote(note, { save = true, call = false } = {}) {
    if (!note && this.replyBtn.hidden) note = true; // nothing can carry a written reply
    this.note = note;
    this.call = note && call;
    this.noteBtn.setAttribute('aria-pressed', String(note && !this.call));
    this.callBtn.setAttribute('aria-pressed', String(this.call));
    this.callOutcome.hidden = !this.call;
    this.replyBtn.setAttribute('aria-pressed', String(!note));
    this.form.classList.toggle('is-note', note);
    this.text.placeholder = this.call ? `What was said on the call with ${this.options?.phone || 'the customer'}?  (Ctrl+Enter)`
      : note ? 'Write an internal note — only your team sees it  (Ctrl+Enter)' : 'Write a reply…  (Ctrl+Enter to send)';
    this.sendBtn.textContent = this.call ? 'Log call' : note ? 'Add note' : 'Send';
    this.channelSel.hidden = note || this.channelSel.options.length < 2;
    this.offerTemplates();
    if (save) this.saveNow();
  }

  focusReply() { this.setNote(false); this.text.focus(); }
  focusNote() { this.setNote(true); this.text.focus(); }

  leave() {
    this.text.blur();
    const row = document.querySelector('.conv-row.active') || document.getElementById('timeline');
    row?.focus();
  }

  onInput() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveNow(), 300);
    const now = Date.now();
    // Typing is shown to other agents (and may reach the customer), so never for notes.
    if (!this.note && this.text.value && now - this.lastTyping >= TYPING_EVERY_MS) {
      this.lastTyping = now;
      emit('composer-typing', this.id);
    }
  }

  saveNow() {
    clearTimeout(this.saveTimer);
    if (!this.id) return;
    saveDraft(this.id, { text: this.text.value, note: this.note, call: this.call, channelId: this.channelSel.value || null, attachments: this.attachments });
  }

  async addFiles(files) {
    if (!this.id) return;
    const id = this.id;
    for (const file of files) {
      if (file.size > MAX_BYTES) {
        toast(`${file.name} is larger than 25 MB.`, { kind: 'error' });
        continue;
      }
      const chip = h('li', { class: 'file-chip uploading' }, h('span', { class: 'file-name' }, file.name), h('span', { class: 'file-size' }, 'Uploading…'));
      this.filesEl.append(chip);
      this.uploading += 1;
      this.updateHint();
      try {
        const att = await uploadAttachment(file);
        if (this.id === id) {
          this.attachments.push({ id: att.id, name: att.name || file.name, size: att.size ?? file.size, contentType: att.contentType || file.type });
          this.saveNow();
        } else {
          const d = loadDraft(id) || {};
          saveDraft(id, { ...d, attachments: [...(d.attachments || []), { id: att.id, name: att.name || file.name, size: att.size ?? file.size }] });
        }
      } catch (e) {
        if (e.status !== 401) toastError(e, `Could not upload ${file.name}`);
      } finally {
        this.uploading -= 1;
        chip.remove();
        this.renderFiles();
      }
    }
  }

  renderFiles() {
    for (const el of [...this.filesEl.querySelectorAll('.file-chip:not(.uploading)')]) el.remove();
    for (const att of this.attachments) {
      this.filesEl.append(h('li', { class: 'file-chip' },
        h('span', { class: 'file-name' }, att.name || 'file'),
        att.size != null ? h('span', { class: 'file-size' }, fileSize(att.size)) : null,
        h('button', {
          type: 'button', class: 'file-remove', 'aria-label': `Remove ${att.name || 'file'}`,
          onclick: () => { this.attachments = this.attachments.filter((a) => a !== att); this.renderFiles(); this.saveNow(); },
        }, '×')));
    }
    this.updateHint();
  }

  updateHint() {
    this.hint.textContent = this.uploading ? `Uploading ${this.uploading} file${this.uploading > 1 ? 's' : ''}…` : '';
    this.sendBtn.disabled = this.sending || this.uploading > 0;
  }

  showConflict(text, headline = 'A newer customer message arrived. ') {
    clear(this.conflictEl);
    this.conflictEl.append(h('strong', null, headline), text,
      h('button', { type: 'button', class: 'btn btn-link btn-small', onclick: () => { this.conflictEl.hidden = true; } }, 'Dismiss'));
    this.conflictEl.hidden = false;
  }

  async send() {
    const id = this.id;
    if (!id || this.sending) return;
    if (this.uploading) { toast('Wait until the attachments finish uploading.'); return; }
    const templated = !this.note && this.templates.active ? this.templates.message() : null;
    if (typeof templated === 'string') { toast(templated, { kind: 'error' }); return; }
    const typed = templated ? templated.text : this.text.value.trim();
    if (!typed && !this.attachments.length) { this.text.focus(); return; }
    const note = this.note;
    // A logged call is a note carrying the call; an answered one clears "needs callback".
    const text = this.call ? `📞 Call with ${this.options?.phone || 'the customer'}: ${typed}` : typed;
    const channelId = note ? null : (this.channelSel.value || null);
    const attachments = this.attachments.map((a) => ({ id: a.id }));
    const signature = JSON.stringify([id, text, note, channelId, attachments]);
    // One clientId per send attempt; a retry of the same content reuses it so it cannot double-send.
    if (!this.attempt || this.attempt.signature !== signature) this.attempt = { clientId: uuid(), signature };
    const body = { text, private: note, clientId: this.attempt.clientId, afterMessageId: this.view.newestSeenId() };
    if (templated) body.template = templated.template;
    if (this.call) body.call = { direction: 'outbound', outcome: this.callOutcome.value };
    if (attachments.length) body.attachments = attachments;
    if (channelId) body.channelId = channelId;
    this.saveNow();
    this.sending = true;
    this.sendBtn.textContent = this.call ? 'Logging…' : 'Sending…';
    this.updateHint();
    try {
      const { data } = await api('POST', `/api/v1/conversations/${encodeURIComponent(id)}/messages`, { body });
      if (data?.id) putMessage({ conversationId: id, ...data });
      this.attempt = null;
      clearDraft(id);
      if (this.id === id) {
        this.text.value = '';
        this.attachments = [];
        this.conflictEl.hidden = true;
        this.renderFiles();
        this.view.scrollToBottom();
      }
    } catch (e) {
      this.onSendError(e, id);
    } finally {
      this.sending = false;
      this.sendBtn.textContent = this.call ? 'Log call' : this.note ? 'Add note' : 'Send';
      this.updateHint();
    }
  }

  onSendError(e, id) {
    if (e.status === 409) {
      // The reply was written without seeing a newer customer message, or another agent's reply:
      // show that message, keep the draft.
      this.attempt = null;
      const m = e.problem?.message;
      if (m && typeof m === 'object' && m.id) {
        putMessage({ conversationId: id, ...m });
        if (this.id === id) this.view.highlight(m.id);
      }
      if (this.id === id) {
        const byAgent = e.problem?.reason === 'agent' || m?.direction === 'outbound';
        this.showConflict('Your draft is kept: read it, then send again if it still helps.',
          byAgent ? `${m?.author?.name || 'Another agent'} replied while you were writing. ` : undefined);
      }
      return;
    }
    if (e.status === 401) return; // back to sign-in; the draft is in localStorage
    if (e.status === 0 || e.status === 429 || e.status >= 500) {
      // Outcome unknown or temporary: keep the clientId so "Retry" cannot create a duplicate.
      toast(e.message || 'Sending failed.', {
        kind: 'error', title: 'Not sent', timeout: 12000,
        action: { label: 'Retry', run: () => { if (this.id === id) this.send(); } },
      });
      return;
    }
    this.attempt = null;
    // The WhatsApp window closed while the agent wrote: the picker takes over.
    if (e.status === 422 && e.problem?.errors?.some((x) => x.field === 'template')) this.loadOptions(id);
    toastError(e, 'Could not send the message');
  }
}

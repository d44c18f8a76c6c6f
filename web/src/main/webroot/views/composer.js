// The composer: reply or internal note, reply channel, attachments, drafts per conversation,
// idempotent sends (clientId reused on retry) and the 409 "a newer customer message arrived" case.
import { api, uploadAttachment } from '../api.js';
import { emit } from '../bus.js';
import { h, clear, $, setOptions } from '../dom.js';
import { state, putMessage } from '../store.js';
import { uuid, fileSize } from '../format.js';
import { toast, toastError } from '../notify.js';
import { loadDraft, saveDraft, clearDraft } from '../drafts.js';
import { replyChannels, loadChannels } from '../channels.js';

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

    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    this.noteBtn.addEventListener('click', () => this.setNote(!this.note));
    this.replyBtn.addEventListener('click', () => this.setNote(false));
    this.text.addEventListener('input', () => this.onInput());
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.send(); }
      if (e.key === 'Escape') { e.preventDefault(); this.leave(); }
    });
    this.channelSel.addEventListener('change', () => { this.wantedChannel = this.channelSel.value || null; this.saveNow(); });
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
    this.setNote(!!d.note, { save: false });
    this.renderFiles();
    clear(this.channelSel); // the previous conversation's choice must not carry over
    this.refreshChannels();
    loadChannels().then(() => { if (this.id === id) this.refreshChannels(); });
  }

  /** The reply-channel dropdown: "automatic" (rule 3) plus the contact's channels. */
  refreshChannels() {
    const selected = this.channelSel.value || this.wantedChannel;
    const conv = state.conversations.get(this.id);
    const contact = conv?.contactId ? state.contacts.get(conv.contactId) : null;
    const options = [{ value: '', label: 'Reply via: latest channel' },
      ...replyChannels(this.id, contact).map((c) => ({ value: c.id, label: `Reply via: ${c.label}` }))];
    setOptions(this.channelSel, options, selected || '');
    this.channelSel.hidden = this.note || options.length < 2;
  }

  setNote(note, { save = true } = {}) {
    this.note = note;
    this.noteBtn.setAttribute('aria-pressed', String(note));
    this.replyBtn.setAttribute('aria-pressed', String(!note));
    this.form.classList.toggle('is-note', note);
    this.text.placeholder = note ? 'Write an internal note — only your team sees it  (Ctrl+Enter)' : 'Write a reply…  (Ctrl+Enter to send)';
    this.sendBtn.textContent = note ? 'Add note' : 'Send';
    this.channelSel.hidden = note || this.channelSel.options.length < 2;
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
    saveDraft(this.id, { text: this.text.value, note: this.note, channelId: this.channelSel.value || null, attachments: this.attachments });
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

  showConflict(text) {
    clear(this.conflictEl);
    this.conflictEl.append(h('strong', null, 'A newer customer message arrived. '), text,
      h('button', { type: 'button', class: 'btn btn-link btn-small', onclick: () => { this.conflictEl.hidden = true; } }, 'Dismiss'));
    this.conflictEl.hidden = false;
  }

  async send() {
    const id = this.id;
    if (!id || this.sending) return;
    if (this.uploading) { toast('Wait until the attachments finish uploading.'); return; }
    const text = this.text.value.trim();
    if (!text && !this.attachments.length) { this.text.focus(); return; }
    const note = this.note;
    const channelId = note ? null : (this.channelSel.value || null);
    const attachments = this.attachments.map((a) => ({ id: a.id }));
    const signature = JSON.stringify([id, text, note, channelId, attachments]);
    // One clientId per send attempt; a retry of the same content reuses it so it cannot double-send.
    if (!this.attempt || this.attempt.signature !== signature) this.attempt = { clientId: uuid(), signature };
    const body = { text, private: note, clientId: this.attempt.clientId, afterMessageId: this.view.newestInboundId() };
    if (attachments.length) body.attachments = attachments;
    if (channelId) body.channelId = channelId;
    this.saveNow();
    this.sending = true;
    this.sendBtn.textContent = 'Sending…';
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
      this.sendBtn.textContent = this.note ? 'Add note' : 'Send';
      this.updateHint();
    }
  }

  onSendError(e, id) {
    if (e.status === 409) {
      // The reply was written without seeing a newer customer message: show it, keep the draft.
      this.attempt = null;
      const m = e.problem?.message;
      if (m && typeof m === 'object' && m.id) {
        putMessage({ conversationId: id, ...m });
        if (this.id === id) this.view.highlight(m.id);
      }
      if (this.id === id) this.showConflict('Your draft is kept: read it, then send again.');
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
    toastError(e, 'Could not send the message');
  }
}

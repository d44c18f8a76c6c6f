// Admin: the channels page (#/admin/channels). Lists the account's channels, creates one of each
// kind with its settings form, shows the key (and secret) once, rotates and revokes keys, and says
// for each kind what to paste where: the widget snippet, webhook URLs, verify token, SMTP address.
// Secrets typed here go to the server once and are never shown back (the server masks them).
// Edit reuses the same form, prefilled; a secret left empty there keeps its stored value.
import { api } from '../api.js';
import { h, clear, $ } from '../dom.js';
import { state } from '../store.js';
import { toast, toastError } from '../notify.js';
import { channelLabel, channelClass } from '../format.js';

const KINDS = ['email', 'chat', 'phone', 'social', 'store'];

/** Form fields per kind: [path in settings, label, type, extra]. Paths with a dot are nested. */
const FIELDS = {
  email: [
    ['address', 'Support address (mail to it is taken by the SMTP listener)', 'email', { required: true, placeholder: 'support@shop.example' }],
    ['fromName', 'Sender name on replies', 'text', { placeholder: 'Shop support' }],
    ['relay.host', 'Relay host (replies go out through it)', 'text', { placeholder: 'smtp.provider.example' }],
    ['relay.port', 'Relay port', 'number', { placeholder: '587' }],
    ['relay.username', 'Relay user name', 'text'],
    ['relay.password', 'Relay password', 'password'],
    ['relay.tls', 'Relay TLS', 'select', { options: ['starttls', 'tls', 'none'] }],
    ['imap.host', 'IMAP host (optional: fetch from a mailbox kept at a provider)', 'text', { placeholder: 'imap.provider.example' }],
    ['imap.port', 'IMAP port', 'number', { placeholder: '993' }],
    ['imap.username', 'IMAP user name', 'text'],
    ['imap.password', 'IMAP password', 'password'],
    ['imap.folder', 'IMAP folder', 'text', { placeholder: 'INBOX' }],
    ['trustedAuthServIds', 'Trusted Authentication-Results servers (comma-separated)', 'list', { placeholder: 'mx.google.com' }],
    ['trustAllSenders', 'Trust every sender (only behind a relay that rejects spoofed mail)', 'checkbox'],
  ],
  chat: [
    ['allowedOrigins', 'Allowed origins (comma-separated)', 'list', { required: true, placeholder: 'https://shop.example' }],
    ['title', 'Widget title', 'text', { placeholder: 'Chat with us' }],
    ['color', 'Widget colour', 'text', { placeholder: '#4f46e5' }],
    ['greeting', 'Greeting', 'text', { placeholder: 'Hi! How can we help?' }],
  ],
  phone: [
    ['provider', 'Provider', 'select', { options: ['twilio', 'cti'] }],
    ['authToken', 'Twilio auth token', 'password'],
    ['recordingHosts', 'CTI recording hosts (comma-separated; recordings are fetched only from these)', 'list', { placeholder: 'pbx.shop.example' }],
  ],
  social: [
    ['platform', 'Platform', 'select', { options: ['messenger', 'instagram', 'whatsapp'] }],
    ['appSecret', 'App secret', 'password'],
    ['verifyToken', 'Verify token (you choose it; paste it into Meta too)', 'text'],
    ['accessToken', 'Page / system user access token', 'password'],
    ['pageId', 'Page id', 'text'],
    ['phoneNumberId', 'WhatsApp phone number id', 'text'],
    ['graphBaseUrl', 'Graph API base URL (default Meta\'s)', 'text', { placeholder: 'https://graph.facebook.com/v21.0' }],
    ['templates', 'WhatsApp templates approved by Meta, one per line: name | language | body with {{1}}, {{2}}...', 'templates', { placeholder: 'order_update | pl | Dzień dobry {{1}}, your order {{2}} has shipped.' }],
  ],
  store: [],
};

/** "name | language | body" lines as the templates setting; a line without a body is left out. */
function templateLines(text) {
  return text.split('\n').map((line) => line.split('|').map((p) => p.trim()))
    .filter((p) => p.length >= 3 && p[0] && p.slice(2).join('|').trim())
    .map((p) => ({ name: p[0], language: p[1] || 'en_US', body: p.slice(2).join(' | ') }));
}

/** What to paste elsewhere for a channel of the kind (lines of [label, value]). */
function connectInfo(ch, extra = {}) {
  const base = `${location.origin}/channels/${encodeURIComponent(ch.id)}`;
  const s = ch.settings || {};
  switch (ch.kind) {
    case 'email': return [
      ['Send or forward mail for', s.address || '(no address)'],
      ['to this server\'s SMTP listener', `${location.hostname}, port SWITCHBOARD_SMTP_PORT (default 2525)`],
    ];
    case 'chat': return [['Add to the shop\'s pages', `<script src="${base}/widget.js" async></script>`],
      ['For a signed-in customer (the shop\'s server computes the signature with the channel secret)',
        `<script src="${base}/widget.js" async data-email="ann@example.com" data-name="Ann" data-signature="hex HMAC-SHA256(secret, email)"></script>`]];
    case 'phone': return s.provider === 'cti'
      ? [['CTI events (POST, signed)', `${base}/cti`]]
      : [['Twilio voice status callback URL', `${base}/twilio/voice`],
        ['Twilio voicemail recording callback URL', `${base}/twilio/voice?outcome=voicemail`],
        ['CTI events (POST, signed)', `${base}/cti`]];
    case 'social': return [['Meta webhook callback URL', `${base}/meta`],
      ['Verify token', extra.verifyToken || (s.verifyToken ? '(set; shown only when created)' : '(none set)')]];
    default: return [['Store key', 'use the channel key with PUT /api/v1/commerce/orders/{externalId}']];
  }
}

/** The masked value the server shows for a secret that is set; sent back, it keeps the secret. */
const MASK = '********';

function getPath(obj, path) {
  return path.split('.').reduce((o, p) => (o == null ? undefined : o[p]), obj);
}

function deletePath(obj, path) {
  const parts = path.split('.');
  const parent = parts.length === 1 ? obj : getPath(obj, parts.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete parent[parts.at(-1)];
}

/** A setting's value as its input shows it (lists comma-separated, templates one per line). */
function inputValue(type, value) {
  if (value == null) return '';
  if (type === 'list') return Array.isArray(value) ? value.join(', ') : String(value);
  if (type === 'templates') {
    return Array.isArray(value) ? value.map((t) => `${t.name} | ${t.language || ''} | ${t.body || ''}`).join('\n') : '';
  }
  return String(value);
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ||= {});
  o[parts.at(-1)] = value;
}

export class AdminChannels {
  constructor() {
    this.root = $('#admin-channels');
    this.list = $('#admin-channel-list');
    this.form = $('#channel-form');
    this.fields = $('#channel-fields');
    this.once = $('#channel-once');
    $('#channel-kind').addEventListener('change', () => this.renderFields());
    this.form.addEventListener('submit', (e) => { e.preventDefault(); if (this.editing) this.save(); else this.create(); });
    this.editing = null;
    $('#channel-cancel').addEventListener('click', () => this.stopEditing());
    $('#admin-close').addEventListener('click', () => { location.hash = ''; });
  }

  show() {
    this.root.hidden = false;
    const teams = $('#channel-team');
    clear(teams);
    teams.append(h('option', { value: '' }, 'No team'));
    for (const t of state.teams || []) teams.append(h('option', { value: t.id }, t.name));
    this.renderFields();
    this.reload();
  }

  hide() {
    this.root.hidden = true;
    this.stopEditing();
    clear(this.once);
    this.once.hidden = true;
  }

  renderFields() {
    const kind = $('#channel-kind').value;
    clear(this.fields);
    for (const [path, label, type, extra = {}] of FIELDS[kind] || []) {
      const id = `cf-${path.replace('.', '-')}`;
      let input;
      if (type === 'select') {
        input = h('select', { id, name: path }, ...extra.options.map((o) => h('option', { value: o }, o)));
      } else if (type === 'checkbox') {
        input = h('input', { id, name: path, type: 'checkbox' });
      } else if (type === 'templates') {
        input = h('textarea', { id, name: path, rows: '3', placeholder: extra.placeholder || null });
      } else {
        input = h('input', { id, name: path, type: type === 'list' ? 'text' : type, placeholder: extra.placeholder || null,
          required: !!extra.required, autocomplete: type === 'password' ? 'new-password' : 'off' });
      }
      input.dataset.type = type;
      input.setAttribute('aria-describedby', `${id}-error`);
      this.fields.append(h('label', { for: id, class: 'field' }, h('span', null, label), input,
        h('span', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true })));
    }
  }

  settings() {
    const out = {};
    for (const input of this.fields.querySelectorAll('input, select, textarea')) {
      const type = input.dataset.type;
      if (type === 'checkbox') { if (input.checked) setPath(out, input.name, true); continue; }
      const v = input.value.trim();
      if (!v) continue;
      if (type === 'number') setPath(out, input.name, Number(v));
      else if (type === 'list') setPath(out, input.name, v.split(/[,\s]+/).filter(Boolean));
      else if (type === 'templates') setPath(out, input.name, templateLines(v));
      else setPath(out, input.name, v);
    }
    return out;
  }

  /**
   * The form as an edit of the channel: kind and team fixed, fields prefilled, each secret that is
   * set shown as an empty box saying it stays unchanged unless something is typed.
   */
  edit(ch) {
    this.editing = ch;
    this.clearErrors();
    const kind = $('#channel-kind');
    kind.value = ch.kind;
    kind.disabled = true;
    $('#channel-team').value = ch.teamId || '';
    $('#channel-team').disabled = true;
    $('#channel-name').value = ch.name;
    this.renderFields();
    for (const input of this.fields.querySelectorAll('input, select, textarea')) {
      const type = input.dataset.type;
      const value = getPath(ch.settings || {}, input.name);
      if (type === 'checkbox') input.checked = value === true;
      else if (type === 'password') { input.value = ''; input.placeholder = value ? 'unchanged' : ''; }
      else if (value != null) input.value = inputValue(type, value);
    }
    $('#new-channel-title').textContent = `Edit ${ch.name}`;
    $('#channel-create').textContent = 'Save changes';
    $('#channel-cancel').hidden = false;
    $('#channel-name').focus();
  }

  stopEditing() {
    if (!this.editing) return;
    this.editing = null;
    $('#channel-kind').disabled = false;
    $('#channel-team').disabled = false;
    $('#new-channel-title').textContent = 'Connect a channel';
    $('#channel-create').textContent = 'Create channel';
    $('#channel-cancel').hidden = true;
    this.clearErrors();
    this.form.reset();
    this.renderFields();
  }

  /**
   * The edited settings: the channel's own (so settings this form has no field for stay), with each
   * field of the form laid over; an emptied field removes its setting, an empty secret keeps its value.
   */
  editedSettings(original) {
    const out = structuredClone(original || {});
    const typed = this.settings();
    for (const input of this.fields.querySelectorAll('input, select, textarea')) {
      const value = getPath(typed, input.name);
      if (value !== undefined) setPath(out, input.name, value);
      else if (input.dataset.type !== 'password') deletePath(out, input.name);
      else if (getPath(out, input.name) !== undefined) setPath(out, input.name, MASK);
    }
    return out;
  }

  async save() {
    const ch = this.editing;
    this.clearErrors();
    if (!this.form.reportValidity()) return;
    try {
      await api('PATCH', `/api/v1/channels/${encodeURIComponent(ch.id)}`, {
        body: { name: $('#channel-name').value.trim(), settings: this.editedSettings(ch.settings) },
      });
      toast(`${ch.name} saved.`);
      this.stopEditing();
      await this.reload();
    } catch (ex) { this.showErrors(ex); }
  }

  /** Each field's error beside its field ("settings.relay.host" is the input named relay.host); the rest above the button. */
  showErrors(ex) {
    const errors = ex.problem?.errors || [];
    const rest = [];
    for (const e of errors) {
      const input = e.field === 'name' ? $('#channel-name')
        : this.fields.querySelector(`[name="${CSS.escape(e.field.replace(/^settings\./, ''))}"]`);
      const slot = input && (input.id === 'channel-name' ? $('#channel-name-error') : $(`#${input.id}-error`));
      if (!slot) { rest.push(`${e.field}: ${e.message}`); continue; }
      slot.textContent = `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`;
      slot.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    }
    if (rest.length || !errors.length) {
      const err = $('#channel-error');
      err.textContent = rest.join('; ') || ex.message;
      err.hidden = false;
    }
  }

  clearErrors() {
    $('#channel-error').hidden = true;
    for (const el of this.form.querySelectorAll('.field-error')) el.hidden = true;
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  async create() {
    const kind = $('#channel-kind').value;
    const name = $('#channel-name').value.trim();
    this.clearErrors();
    if (!this.form.reportValidity()) return;
    const settings = this.settings();
    try {
      const { data } = await api('POST', '/api/v1/channels', {
        body: { kind, name, teamId: $('#channel-team').value || null, settings },
      });
      this.showOnce(data, { kind, settings }, 'Channel created');
      this.form.reset();
      this.renderFields();
      await this.reload();
    } catch (ex) { this.showErrors(ex); }
  }

  /** The key (and secret) of a create or a rotation: shown here once, never again. */
  showOnce(issued, { kind, settings } = {}, title) {
    clear(this.once);
    const rows = [['Channel key', issued.apiKey]];
    if (issued.secret) rows.push(['Signing secret', issued.secret]);
    if (kind) {
      for (const row of connectInfo({ id: issued.id, kind, settings }, { verifyToken: settings?.verifyToken })) rows.push(row);
    }
    this.once.append(h('h3', null, title),
      h('p', { class: 'muted' }, 'Copy these now: the key and secret are not shown again.'),
      h('dl', { class: 'once-list' }, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, h('code', { class: 'copy' }, v))])));
    this.once.hidden = false;
  }

  async reload() {
    try {
      const { data } = await api('GET', '/api/v1/channels');
      const items = data?.items || [];
      clear(this.list);
      if (!items.length) this.list.append(h('li', { class: 'muted' }, 'No channels yet.'));
      for (const ch of items) this.list.append(this.row(ch));
    } catch (ex) { toastError(ex, 'Channels could not be loaded'); }
  }

  row(ch) {
    const keys = (ch.keys || []).filter((k) => !k.revokedAt);
    return h('li', { class: 'admin-channel', dataset: { id: ch.id, kind: ch.kind } },
      h('div', { class: 'admin-channel-head' },
        h('span', { class: `ch-badge ${channelClass(ch.kind)}` }, channelLabel(ch.kind)),
        h('strong', null, ch.name), h('code', { class: 'muted' }, ch.id),
        h('button', { type: 'button', class: 'btn btn-small channel-edit', onclick: () => this.edit(ch) }, 'Edit'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.rotate(ch) }, 'New key')),
      h('dl', { class: 'once-list' }, ...connectInfo(ch).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, h('code', null, v))])),
      h('ul', { class: 'key-list' }, ...keys.map((k) => h('li', null, h('code', null, k.keyId),
        h('span', { class: 'muted' }, ` since ${new Date(k.createdAt).toLocaleString()} `),
        keys.length > 1 ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => this.revoke(ch, k) }, 'Revoke') : null))));
  }

  async rotate(ch) {
    try {
      const { data } = await api('POST', `/api/v1/channels/${encodeURIComponent(ch.id)}/keys`);
      this.showOnce(data, {}, `New key for ${ch.name} (the old one works until you revoke it)`);
      await this.reload();
    } catch (ex) { toastError(ex, 'The key could not be rotated'); }
  }

  async revoke(ch, key) {
    try {
      await api('DELETE', `/api/v1/channels/${encodeURIComponent(ch.id)}/keys/${encodeURIComponent(key.keyId)}`);
      await this.reload();
    } catch (ex) { toastError(ex, 'The key could not be revoked'); }
  }
}

export { KINDS };

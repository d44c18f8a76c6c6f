// Admin: account settings (#/admin/settings): name, time zone, the region phone numbers are read
// in, how long a resolved conversation reopens on a customer's answer. (The contract's notification
// switches are kept by the API, but nothing acts on them yet, so the page does not offer them.)
// The server validates; its field errors are shown beside the fields they are about.
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { toast } from '../notify.js';
import { adminFrame, problemText } from './admin-nav.js';

export class AdminSettings {
  show() {
    if (!this.root) this.build();
    this.root.hidden = false;
    this.load();
  }

  hide() {
    if (this.root) this.root.hidden = true;
  }

  build() {
    const { root, body } = adminFrame('settings', 'Account settings');
    this.root = root;
    const field = (id, label, input, hint) => h('div', { class: 'field' },
      h('label', { for: id }, label), input, hint ? h('span', { class: 'muted field-hint' }, hint) : null,
      h('span', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true }));
    this.inputs = {
      name: h('input', { id: 'set-name', type: 'text', maxlength: 200, required: true, 'aria-describedby': 'set-name-error' }),
      timezone: h('input', { id: 'set-timezone', type: 'text', list: 'set-timezones', 'aria-describedby': 'set-timezone-error' }),
      defaultRegion: h('input', { id: 'set-defaultRegion', type: 'text', maxlength: 2, 'aria-describedby': 'set-defaultRegion-error' }),
      reopenWindowDays: h('input', { id: 'set-reopenWindowDays', type: 'number', min: 0, max: 365, 'aria-describedby': 'set-reopenWindowDays-error' }),
    };
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    this.error = h('p', { id: 'settings-error', class: 'form-error', role: 'alert', hidden: true });
    this.form = h('form', { id: 'settings-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.save(); } },
      field('set-name', 'Account name', this.inputs.name),
      field('set-timezone', 'Time zone', this.inputs.timezone, 'An IANA name, such as Europe/Warsaw: reports and business hours use it.'),
      h('datalist', { id: 'set-timezones' }, ...zones.map((z) => h('option', { value: z }))),
      field('set-defaultRegion', 'Phone region', this.inputs.defaultRegion, 'Two letters, such as PL: numbers typed without a country code are read in it.'),
      field('set-reopenWindowDays', 'Reopen window (days)', this.inputs.reopenWindowDays, 'A customer who answers within this many days reopens their resolved conversation; later, a new one starts.'),
      this.error,
      h('button', { id: 'settings-save', type: 'submit', class: 'btn btn-primary' }, 'Save settings'));
    this.hours = h('div', { id: 'settings-hours' });
    body.append(
      h('section', { class: 'admin-card', 'aria-labelledby': 'settings-title' }, h('h3', { id: 'settings-title' }, 'General'), this.form),
      h('section', { class: 'admin-card', 'aria-labelledby': 'hours-title' }, h('h3', { id: 'hours-title' }, 'Business hours and SLA policies'), this.hours));
  }

  async load() {
    try {
      const { data } = await api('GET', '/api/v1/account');
      this.inputs.name.value = data.name || '';
      this.inputs.timezone.value = data.timezone || '';
      this.inputs.defaultRegion.value = data.defaultRegion || '';
      this.inputs.reopenWindowDays.value = data.reopenWindowDays ?? '';
    } catch (ex) { this.showError(ex); }
    this.loadHours();
  }

  /** What the SLA clocks run on, read-only here: the API edits them (PUT /business-hours, /sla-policies). */
  async loadHours() {
    clear(this.hours);
    try {
      const [hours, policies] = await Promise.all([api('GET', '/api/v1/business-hours'), api('GET', '/api/v1/sla-policies')]);
      const hs = hours.data?.items || [];
      const ps = policies.data?.items || [];
      this.hours.append(
        h('p', null, hs.length ? `Business hours: ${hs.map((b) => `${b.id} (${b.timezone})`).join(', ')}.` : 'No business hours: SLA clocks run around the clock.'),
        h('p', null, ps.length ? `SLA policies, in the order they are tried: ${ps.map((p) => p.name).join(', ')}.` : 'No SLA policies.'),
        h('p', { class: 'muted' }, 'Supervisors see them at work on the dashboard.'),
        h('a', { href: '#/dashboard', class: 'btn btn-small' }, 'Open the dashboard'));
    } catch (ex) { this.hours.append(h('p', { class: 'muted' }, problemText(ex))); }
  }

  async save() {
    this.clearErrors();
    const body = {
      name: this.inputs.name.value.trim(),
      timezone: this.inputs.timezone.value.trim() || null,
      defaultRegion: this.inputs.defaultRegion.value.trim() || null,
      reopenWindowDays: this.inputs.reopenWindowDays.value === '' ? null : Number(this.inputs.reopenWindowDays.value),
    };
    if (!body.name) { this.fieldError('name', 'The account needs a name.'); return; }
    try {
      await api('PATCH', '/api/v1/account', { body });
      toast('Settings saved.');
      await this.load();
    } catch (ex) { this.showError(ex); }
  }

  showError(ex) {
    const errors = ex?.problem?.errors || [];
    let placed = 0;
    for (const e of errors) if (this.fieldError(e.field, e.message)) placed++;
    if (placed < errors.length || !errors.length) {
      this.error.textContent = problemText(ex);
      this.error.hidden = false;
    }
  }

  /** Shows the message under its field; false when the field is not on this form. */
  fieldError(field, message) {
    const el = this.root.querySelector(`#set-${field}-error`);
    if (!el) return false;
    el.textContent = `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
    el.hidden = false;
    this.inputs[field]?.setAttribute('aria-invalid', 'true');
    return true;
  }

  clearErrors() {
    this.error.hidden = true;
    for (const el of this.root.querySelectorAll('.field-error')) el.hidden = true;
    for (const input of Object.values(this.inputs)) input.removeAttribute('aria-invalid');
  }
}

// Admin: people (#/admin/people). Lists the account's people with role, teams, status and last
// seen; invites by email (the link is shown to copy when no mail could go out); changes roles and
// teams; deactivates and reactivates; sends an invited person a new link.
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { state } from '../store.js';
import { toast, toastError } from '../notify.js';
import { fromNow, fullTime } from '../format.js';
import { adminFrame, problemText } from './admin-nav.js';

const ROLES = [['agent', 'Agent'], ['supervisor', 'Supervisor'], ['admin', 'Admin']];
const STATUS = { active: 'Active', invited: 'Invited', disabled: 'Deactivated' };

export class AdminPeople {
  show() {
    if (!this.root) this.build();
    this.root.hidden = false;
    this.renderTeamChoices();
    this.reload();
  }

  hide() {
    if (this.root) this.root.hidden = true;
  }

  build() {
    const { root, body } = adminFrame('people', 'People');
    this.root = root;
    this.email = h('input', { id: 'invite-email', type: 'email', required: true, maxlength: 254, autocomplete: 'off' });
    this.role = h('select', { id: 'invite-role' }, ...ROLES.map(([v, l]) => h('option', { value: v }, l)));
    this.teams = h('fieldset', { class: 'team-choices' }, h('legend', null, 'Teams'));
    this.error = h('p', { id: 'invite-error', class: 'form-error', role: 'alert', hidden: true });
    this.once = h('div', { id: 'invite-result', class: 'once', role: 'status', hidden: true });
    this.form = h('form', { id: 'invite-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.invite(); } },
      h('label', { class: 'field', for: 'invite-email' }, h('span', null, 'Email'), this.email),
      h('label', { class: 'field', for: 'invite-role' }, h('span', null, 'Role'), this.role),
      this.teams, this.error,
      h('button', { id: 'invite-submit', type: 'submit', class: 'btn btn-primary' }, 'Send invitation'));
    this.list = h('tbody', { id: 'people-rows' });
    body.append(
      h('section', { class: 'admin-card', 'aria-labelledby': 'invite-title' },
        h('h3', { id: 'invite-title' }, 'Invite a person'),
        h('p', { class: 'muted' }, 'They get a link by email to choose their name and password. It works once, for 24 hours.'),
        this.form, this.once),
      h('section', { class: 'admin-card admin-card-wide', 'aria-labelledby': 'people-title' },
        h('h3', { id: 'people-title' }, 'Everyone in the account'),
        h('div', { class: 'table-scroll' }, h('table', { class: 'admin-table' },
          h('thead', null, h('tr', null, ...['Name', 'Email', 'Role', 'Teams', 'Status', 'Last seen', ''].map((t) => h('th', { scope: 'col' }, t)))),
          this.list))));
  }

  renderTeamChoices() {
    for (const el of [...this.teams.querySelectorAll('label')]) el.remove();
    if (!state.teams.length) this.teams.append(h('label', { class: 'muted' }, 'No teams yet.'));
    for (const t of state.teams) {
      this.teams.append(h('label', { class: 'check' }, h('input', { type: 'checkbox', value: t.id, name: 'team' }), ` ${t.name}`));
    }
  }

  async invite() {
    this.error.hidden = true;
    const email = this.email.value.trim();
    if (!email || !this.email.checkValidity()) {
      this.fail('Enter the email address of the person to invite.');
      this.email.focus();
      return;
    }
    const teamIds = [...this.teams.querySelectorAll('input:checked')].map((i) => i.value);
    try {
      const { data } = await api('POST', '/api/v1/invitations', { body: { email, role: this.role.value, teamIds } });
      this.showResult(data);
      this.form.reset();
      await this.reload();
    } catch (ex) {
      this.fail(ex.status === 409 ? 'Someone with this email already has an account.' : problemText(ex));
    }
  }

  fail(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  /** Mailed: say so. Not mailed (no relay): the link to copy, once. */
  showResult(invited, kind = 'invite') {
    clear(this.once);
    const who = invited.user.email;
    const what = kind === 'reset' ? 'A password reset link' : 'Invitation';
    if (invited.mailed) {
      this.once.append(h('p', null, `${what} sent to ${who}. The link works until ${fullTime(invited.expiresAt)}.`));
    } else {
      const link = h('input', { id: 'invite-link', class: 'copy-field', type: 'text', readonly: true, value: invited.acceptUrl, 'aria-label': 'Invitation link' });
      this.once.append(
        h('p', null, `No mail could be sent (no mail relay is set up), so pass this link to ${who} yourself. It works once, until ${fullTime(invited.expiresAt)}.`),
        h('div', { class: 'copy-row' }, link,
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => copy(link) }, 'Copy link')));
    }
    this.once.hidden = false;
  }

  async reload() {
    try {
      const { data } = await api('GET', '/api/v1/users');
      const people = data?.items || [];
      for (const u of people) state.users.set(u.id, u);
      clear(this.list);
      for (const u of people) this.list.append(this.row(u));
    } catch (ex) { toastError(ex, 'People could not be loaded'); }
  }

  row(u) {
    const self = u.id === state.me?.id;
    const role = h('select', { 'aria-label': `Role of ${u.name}`, disabled: u.status === 'disabled',
      onchange: () => this.patch(u, { role: role.value }, `${u.name} is now ${role.selectedOptions[0].textContent.toLowerCase()}.`) },
    ...ROLES.map(([v, l]) => h('option', { value: v, selected: v === u.role }, l)));
    const teams = (u.teamIds || []).map((id) => state.teams.find((t) => t.id === id)?.name).filter(Boolean);
    const actions = [];
    if (u.status === 'invited') actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.resend(u) }, 'New link'));
    if (u.status === 'active') actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.reset(u) }, 'Reset password'));
    if (!self && u.status !== 'disabled') {
      actions.push(h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', onclick: () => this.patch(u, { disabled: true }, `${u.name} is deactivated and signed out.`) },
        u.status === 'invited' ? 'Withdraw' : 'Deactivate'));
    }
    if (u.status === 'disabled') {
      actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.patch(u, { disabled: false }, `${u.name} can sign in again.`) }, 'Reactivate'));
    }
    return h('tr', { dataset: { id: u.id, email: u.email } },
      h('th', { scope: 'row' }, u.name, self ? h('span', { class: 'muted' }, ' (you)') : null),
      h('td', null, u.email),
      h('td', null, role),
      h('td', null, teams.length ? teams.join(', ') : h('span', { class: 'muted' }, 'none')),
      h('td', null, h('span', { class: `status-pill status-${u.status}` }, STATUS[u.status] || u.status)),
      h('td', { title: u.lastSeenAt ? fullTime(u.lastSeenAt) : null }, u.lastSeenAt ? fromNow(u.lastSeenAt) : h('span', { class: 'muted' }, 'never')),
      h('td', { class: 'row-actions' }, ...actions));
  }

  async patch(u, body, done) {
    try {
      await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { body });
      toast(done);
    } catch (ex) {
      toastError({ message: problemText(ex) }, 'The change was not saved');
    }
    await this.reload();
  }

  /** A reset link for the person: mailed, or shown to pass on. */
  async reset(u) {
    try {
      const { data } = await api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/password-reset`);
      this.showResult(data, 'reset');
    } catch (ex) { toastError({ message: problemText(ex) }, 'No reset link was made'); }
  }

  async resend(u) {
    try {
      const { data } = await api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/invitation`);
      this.showResult(data);
    } catch (ex) { toastError({ message: problemText(ex) }, 'No new link was made'); }
  }
}

function copy(input) {
  input.select();
  navigator.clipboard?.writeText(input.value).then(() => toast('Link copied.'), () => {});
}

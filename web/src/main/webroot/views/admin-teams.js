// Admin: teams (#/admin/teams). Create, rename and delete teams; add and remove members. A team
// that a channel, an unresolved conversation or an SLA step still uses cannot be deleted: the
// server says what to move first, and that sentence is shown as is.
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { state } from '../store.js';
import { toast } from '../notify.js';
import { adminFrame, problemText } from './admin-nav.js';

export class AdminTeams {
  show() {
    if (!this.root) this.build();
    this.root.hidden = false;
    this.reload();
  }

  hide() {
    if (this.root) this.root.hidden = true;
  }

  build() {
    const { root, body } = adminFrame('teams', 'Teams');
    this.root = root;
    this.name = h('input', { id: 'team-name', type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
    this.error = h('p', { id: 'team-error', class: 'form-error', role: 'alert', hidden: true });
    this.list = h('ul', { id: 'admin-team-list', class: 'admin-team-list' });
    body.append(
      h('section', { class: 'admin-card', 'aria-labelledby': 'new-team-title' },
        h('h3', { id: 'new-team-title' }, 'Create a team'),
        h('form', { id: 'team-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.create(); } },
          h('label', { class: 'field', for: 'team-name' }, h('span', null, 'Name'), this.name),
          this.error,
          h('button', { id: 'team-create', type: 'submit', class: 'btn btn-primary' }, 'Create team'))),
      h('section', { class: 'admin-card admin-card-wide', 'aria-labelledby': 'team-list-title' },
        h('h3', { id: 'team-list-title' }, 'Your teams'), this.list));
  }

  async create() {
    this.error.hidden = true;
    const name = this.name.value.trim();
    if (!name) { this.fail(this.error, 'Give the team a name.'); this.name.focus(); return; }
    try {
      await api('POST', '/api/v1/teams', { body: { name } });
      this.name.value = '';
      toast(`Team ${name} created.`);
      await this.reload();
    } catch (ex) { this.fail(this.error, ex.status === 409 ? 'A team with this name already exists.' : problemText(ex)); }
  }

  fail(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  async reload() {
    try {
      const [teams, users] = await Promise.all([api('GET', '/api/v1/teams'), api('GET', '/api/v1/users')]);
      this.teams = teams.data?.items || [];
      this.people = (users.data?.items || []).filter((u) => u.status !== 'disabled');
      // The rest of the console (filters, assignment) names teams from the same list.
      state.teams = this.teams.map((t) => ({ id: t.id, name: t.name }));
      clear(this.list);
      if (!this.teams.length) this.list.append(h('li', { class: 'muted' }, 'No teams yet.'));
      for (const t of this.teams) this.list.append(this.row(t));
    } catch (ex) { this.fail(this.error, problemText(ex)); }
  }

  row(t) {
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const name = h('input', { type: 'text', value: t.name, maxlength: 200, 'aria-label': `Name of ${t.name}` });
    const members = this.people.filter((p) => t.memberIds.includes(p.id));
    const others = this.people.filter((p) => !t.memberIds.includes(p.id));
    const pick = h('select', { 'aria-label': `Add a member to ${t.name}` },
      h('option', { value: '' }, 'Add a member…'), ...others.map((p) => h('option', { value: p.id }, `${p.name} (${p.email})`)));
    const act = async (fn, done) => {
      error.hidden = true;
      try { await fn(); if (done) toast(done); await this.reload(); } catch (ex) { this.fail(error, problemText(ex)); }
    };
    const teamUrl = `/api/v1/teams/${encodeURIComponent(t.id)}`;
    return h('li', { class: 'admin-team', dataset: { id: t.id, name: t.name } },
      h('div', { class: 'admin-team-head' },
        name,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => act(() => api('PATCH', teamUrl, { body: { name: name.value.trim() } }), 'Team renamed.') }, 'Rename'),
        h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', onclick: () => {
          if (confirm(`Delete the team ${t.name}? Its members stay in the account.`)) act(() => api('DELETE', teamUrl), `Team ${t.name} deleted.`);
        } }, 'Delete')),
      h('ul', { class: 'member-list', 'aria-label': `Members of ${t.name}` },
        members.length ? members.map((p) => h('li', { dataset: { id: p.id } }, `${p.name} `,
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': `Remove ${p.name} from ${t.name}`,
            onclick: () => act(() => api('DELETE', `${teamUrl}/members/${encodeURIComponent(p.id)}`)) }, 'Remove')))
          : h('li', { class: 'muted' }, 'No members yet.')),
      h('div', { class: 'member-add' }, pick,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => pick.value && act(() => api('PUT', `${teamUrl}/members/${encodeURIComponent(pick.value)}`)) }, 'Add')),
      error);
  }
}

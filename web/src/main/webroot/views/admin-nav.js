// The admin area's navigation (People, Teams, Channels, Settings) and the frame every admin page
// shares: a section over the panes with a heading, the navigation and a body. Pages are built on
// first show, so a console that never opens them pays nothing.
import { h, $ } from '../dom.js';

export const ADMIN_PAGES = [
  ['people', 'People'],
  ['teams', 'Teams'],
  ['channels', 'Channels'],
  ['settings', 'Settings'],
];

/** The navigation, with the current page marked for assistive technology too. */
export function adminNav(current) {
  return h('nav', { class: 'admin-nav', 'aria-label': 'Admin' },
    ...ADMIN_PAGES.map(([page, label]) => h('a', {
      href: `#/admin/${page}`, class: ['admin-nav-link', page === current && 'is-current'],
      'aria-current': page === current ? 'page' : null,
    }, label)));
}

/** Builds (once) the section of an admin page: returns {root, body}. */
export function adminFrame(page, title) {
  const id = `admin-${page}`;
  let root = document.getElementById(id);
  if (!root) {
    const heading = h('h2', { id: `${id}-title` }, title);
    root = h('section', { id, class: 'admin-page', 'aria-labelledby': `${id}-title`, hidden: true },
      h('header', { class: 'admin-head' }, heading,
        h('a', { href: '#/', class: 'btn btn-ghost btn-small' }, 'Back to inbox')),
      adminNav(page),
      h('div', { class: 'admin-body admin-body-wide' }));
    $('#app').append(root);
  }
  return { root, body: root.querySelector('.admin-body') };
}

/** The channels page is written in index.html: it gets the same navigation. */
export function addNavToChannels() {
  const channels = $('#admin-channels');
  if (channels && !channels.querySelector('.admin-nav')) channels.querySelector('.admin-head').after(adminNav('channels'));
}

/** A problem's field errors in the user's words: "Email: is not an email address". */
export function problemText(ex) {
  const errors = ex?.problem?.errors;
  if (errors?.length) return errors.map((e) => `${fieldLabel(e.field)} ${e.message}`).join('. ');
  return ex?.message || 'That did not work.';
}

const LABELS = {
  email: 'Email', role: 'Role', teamIds: 'Teams', name: 'Name', timezone: 'Time zone', defaultRegion: 'Phone region',
  reopenWindowDays: 'Reopen window', notifications: 'Notifications', disabled: 'Status', capacity: 'Capacity',
};

function fieldLabel(field) {
  return LABELS[field] || field;
}

// Switchboard agent console: wires sign-in, the panes, routing (#/c/<id>), the live stream,
// and notifications. Each piece lives in its own module; this file only connects them.
import { api, login, loadSession, clearSession, getSession, revokeBlobUrls } from './api.js';
import { on } from './bus.js';
import { $ } from './dom.js';
import { state, resetStore, putConversation, putMessage, putContact, patchConversationLocal } from './store.js';
import { stream } from './stream.js';
import { toast, toastError, beep, isMuted, setMuted, unlockAudio } from './notify.js';
import { initials, hue } from './format.js';
import { installKeys } from './keys.js';
import { resetChannels } from './channels.js';
import { loadContact } from './contacts.js';
import { Presence } from './presence.js';
import { Inbox } from './views/inbox.js';
import { ConversationView } from './views/conversation.js';
import { Composer } from './views/composer.js';
import { ContactPanel, NewConversationDialog } from './views/contact.js';
import { AdminChannels } from './views/admin-channels.js';
import { AdminPeople } from './views/admin-people.js';
import { AdminTeams } from './views/admin-teams.js';
import { AdminSettings } from './views/admin-settings.js';
import { addNavToChannels } from './views/admin-nav.js';
import { Dashboard } from './views/dashboard.js';

const LAST_EMAIL_KEY = 'sb.lastEmail';

const app = {
  inbox: new Inbox(),
  conversation: new ConversationView(),
  contact: new ContactPanel(),
  presence: new Presence(),
  dashboard: new Dashboard(),
  running: false,
  selfAssigned: new Set(),
  unseen: new Set(), // conversations with an inbound message that arrived live and is not read yet
  hasOpen() { return !!this.conversation.id; },
  openSelected() {
    const id = this.inbox.selected();
    if (id) location.hash = `#/c/${encodeURIComponent(id)}`;
  },
  showShortcuts() { $('#shortcuts-dialog').showModal(); },
};
app.composer = new Composer(app.conversation);
app.admin = new AdminChannels();
// The admin area: one page per #/admin/<page>, shown to admins only (the server refuses the rest anyway).
app.adminPages = { channels: app.admin, people: new AdminPeople(), teams: new AdminTeams(), settings: new AdminSettings() };
addNavToChannels();
new NewConversationDialog();

// ---- sign-in -------------------------------------------------------------------------------

function showLogin(notice = null) {
  $('#app').hidden = true;
  $('#login-screen').hidden = false;
  const n = $('#login-notice');
  n.textContent = notice || '';
  n.hidden = !notice;
  $('#login-error').hidden = true;
  const email = $('#login-email');
  if (!email.value) email.value = localStorage.getItem(LAST_EMAIL_KEY) || '';
  (email.value ? $('#login-password') : email).focus();
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const email = $('#login-email').value.trim();
  const password = $('#login-password').value;
  const err = $('#login-error');
  const btn = $('#login-submit');
  if (!email || !password) {
    err.textContent = 'Enter your email and password.';
    err.hidden = false;
    return;
  }
  btn.disabled = true;
  btn.textContent = 'Signing in…';
  err.hidden = true;
  try {
    await login(email, password);
    localStorage.setItem(LAST_EMAIL_KEY, email);
    $('#login-password').value = '';
    await startApp();
  } catch (ex) {
    err.textContent = ex.status === 401 ? 'Wrong email or password.'
      : ex.status === 429 ? 'Too many attempts. Wait a moment and try again.'
        : ex.message;
    err.hidden = false;
  } finally {
    btn.disabled = false;
    btn.textContent = 'Sign in';
  }
});

// ---- the console ---------------------------------------------------------------------------

async function loadDirectory() {
  const me = state.me;
  const [users, teams] = await Promise.allSettled([api('GET', '/api/v1/users'), api('GET', '/api/v1/teams')]);
  if (users.status === 'fulfilled') {
    const list = Array.isArray(users.value.data) ? users.value.data : users.value.data?.items || [];
    for (const u of list) if (u?.id) state.users.set(u.id, u);
    state.usersListed = true;
  }
  if (teams.status === 'fulfilled') {
    const list = Array.isArray(teams.value.data) ? teams.value.data : teams.value.data?.items || [];
    state.teams = list.filter((t) => t?.id).map((t) => ({ id: t.id, name: t.name }));
  } else if (Array.isArray(me?.teams) && me.teams.length) {
    state.teams = me.teams.map((t) => (typeof t === 'object' ? { id: t.id, name: t.name } : { id: t, name: 'My team' })).filter((t) => t.id);
  } else if (Array.isArray(me?.teamIds)) {
    state.teams = me.teamIds.map((id, i) => ({ id, name: me.teamIds.length > 1 ? `My team ${i + 1}` : 'My team' }));
  }
}

async function startApp() {
  const session = getSession();
  if (!session) { showLogin(); return; }
  resetStore();
  resetChannels();
  state.me = session.user || null;
  app.running = true;
  $('#login-screen').hidden = true;
  $('#app').hidden = false;
  const name = state.me?.name || state.me?.email || 'Me';
  $('#me-name').textContent = name;
  const avatar = $('#me-avatar');
  avatar.textContent = initials(name);
  avatar.className = `avatar avatar-small hue-${hue(state.me?.id || name)}`;
  renderSound();
  $('#admin-link').hidden = state.me?.role !== 'admin';
  $('#dashboard-link').hidden = !Dashboard.allowed();
  $('#inbox-link').hidden = landingFor(state.me?.role) === '#/';

  await loadDirectory();
  if (!app.running) return;
  app.inbox.setTeams(state.teams);
  const seq = await app.inbox.reload();
  if (!app.running) return;
  app.inbox.loadCounts();
  app.presence.start();
  stream.start(seq);
  if (!location.hash || location.hash === '#') history.replaceState(null, '', landingFor(state.me?.role));
  route();
}

/** Leaves the console; drafts stay in localStorage. */
function stopApp() {
  if (!app.running) return;
  app.running = false;
  app.unseen.clear();
  app.composer.saveNow();
  app.dashboard.hide();
  stream.stop();
  app.presence.stop();
  app.conversation.close();
  app.contact.clear();
  for (const page of Object.values(app.adminPages)) page.hide();
  revokeBlobUrls();
}

on('session-expired', () => {
  stopApp();
  showLogin('Your session has expired. Sign in again: your drafts are kept.');
});

on('stream-auth-failed', (code) => {
  clearSession();
  stopApp();
  showLogin(code === 4403 ? 'Your access has changed or was revoked. Please sign in again.' : 'Your session has ended. Please sign in again.');
});

$('#logout').addEventListener('click', () => {
  stream.send({ type: 'presence', status: 'offline' });
  app.composer.saveNow();
  try { sessionStorage.removeItem(stream.seqKey()); } catch { /* ignore */ }
  clearSession();
  stopApp();
  location.hash = '';
  showLogin('You have signed out.');
});

// ---- routing -------------------------------------------------------------------------------

/** Where each role starts: supervisors on their dashboard, admins in the admin area, agents in the inbox. */
function landingFor(role) {
  if (role === 'admin') return '#/admin';
  if (role === 'supervisor') return '#/dashboard';
  return '#/';
}

/**
 * Which pane a narrow screen shows (list, conversation or contact; "page" for the dashboard and
 * admin pages). Wide screens show the panes side by side whatever this says (app.css).
 */
function setView(view) { $('#app').dataset.view = view; }

function leaveConversation() {
  if (app.conversation.id) {
    app.composer.saveNow();
    app.conversation.close();
    app.presence.setOpen(null);
    app.inbox.setActive(null);
  }
}

function route() {
  if (!app.running) return;
  closeMenu();
  const hash = location.hash;
  for (const link of document.querySelectorAll('#topbar-menu a')) {
    const target = link.getAttribute('href');
    const current = target === '#/' ? !/^#\/(admin|dashboard)/.test(hash)
      : target.startsWith('#/admin') ? hash.startsWith('#/admin') : hash.startsWith(target);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (/^#\/admin\/?$/.test(hash) && state.me?.role === 'admin') {
    location.replace('#/admin/people');
    return;
  }
  const admin = /^#\/admin\/([a-z]+)$/.exec(hash);
  const page = admin && state.me?.role === 'admin' ? app.adminPages[admin[1]] : null;
  for (const other of Object.values(app.adminPages)) if (other !== page) other.hide();
  if (page) {
    setView('page');
    page.show();
    return;
  }
  if (hash === '#/dashboard') {
    setView('page');
    app.dashboard.show();
    return;
  }
  app.dashboard.hide();
  const person = /^#\/contact\/([^/]+)$/.exec(hash);
  if (person) {
    // A person found by search: their card, from which any of their conversations opens.
    leaveConversation();
    setView('contact');
    $('#contact-back').setAttribute('href', '#/');
    app.contact.showContact(decodeURIComponent(person[1]));
    return;
  }
  const m = /^#\/c\/([^/]+)(\/contact)?$/.exec(hash);
  const id = m ? decodeURIComponent(m[1]) : null;
  setView(!id ? 'list' : m[2] ? 'contact' : 'conversation');
  if (!id) {
    leaveConversation();
    app.contact.clear();
    $('#contact-back').setAttribute('href', '#/');
    return;
  }
  const here = `#/c/${encodeURIComponent(id)}`;
  $('#conv-contact-open').setAttribute('href', `${here}/contact`);
  $('#contact-back').setAttribute('href', here);
  if (id === app.conversation.id) {
    if (app.contact.conversationId !== id) app.contact.show(id);
    return;
  }
  app.unseen.delete(id);
  app.inbox.setActive(id);
  app.composer.open(id);
  app.presence.setOpen(id);
  app.conversation.open(id);
  if (state.conversations.get(id)?.contactId) app.contact.show(id);
}

window.addEventListener('hashchange', route);

on('conversation-opened', (conv) => {
  if (!conv) return;
  if (app.contact.conversationId !== conv.id || app.contact.contactId !== conv.contactId) app.contact.show(conv.id);
  app.composer.refreshChannels();
});

on('contact', ({ contact }) => {
  const conv = state.conversations.get(app.conversation.id);
  if (conv?.contactId === contact.id) app.composer.refreshChannels();
});

// ---- live events ---------------------------------------------------------------------------

on('assigning', ({ conversationId, assigneeId }) => {
  if (assigneeId && assigneeId === state.me?.id) {
    app.selfAssigned.add(conversationId);
    setTimeout(() => app.selfAssigned.delete(conversationId), 15000);
  }
});

let creatingFor = null; // {contactId, until}: the agent is starting a conversation with this contact

on('creating-conversation', (contactId) => { creatingFor = { contactId, until: Date.now() + 15000 }; });

function notifyAssigned(prev, conv, created) {
  const meId = state.me?.id;
  if (!meId || conv.assigneeId !== meId) return;
  if (prev ? prev.assigneeId === meId : !created) return;
  if (app.selfAssigned.has(conv.id)) return;
  if (created && creatingFor && creatingFor.until > Date.now() && creatingFor.contactId === conv.contactId) return;
  toast(conv.subject || 'A conversation', {
    title: 'Assigned to you',
    kind: 'info',
    timeout: 8000,
    action: { label: 'Open', run: () => { location.hash = `#/c/${encodeURIComponent(conv.id)}`; } },
  });
  beep();
}

on('event', (ev) => {
  const d = ev.data && typeof ev.data === 'object' ? ev.data : {};
  switch (ev.type) {
    case 'conversation.created':
    case 'conversation.updated': {
      if (!d.id) return;
      const prev = state.conversations.get(d.id) || null;
      // A shared event may not know this agent's unread state; an unseen inbound message does.
      putConversation(app.unseen.has(d.id) && state.openId !== d.id ? { ...d, unread: true } : d, ev.seq);
      notifyAssigned(prev, d, ev.type === 'conversation.created');
      return;
    }
    case 'message.created':
    case 'message.updated': {
      const msg = { ...d, conversationId: d.conversationId || ev.conversationId };
      const known = state.messages.get(msg.conversationId)?.has(msg.id);
      putMessage(msg, ev.seq);
      if (!known && msg.direction === 'inbound' && msg.conversationId !== state.openId) {
        app.unseen.add(msg.conversationId);
        patchConversationLocal(msg.conversationId, { unread: true });
      }
      return;
    }
    case 'contact.updated':
      putContact(d, ev.seq);
      return;
    case 'sla.warning':
    case 'sla.breached': {
      const conv = state.conversations.get(ev.conversationId);
      if (d.conversation?.id) putConversation(d.conversation, ev.seq);
      if (conv && conv.assigneeId === state.me?.id) {
        toast(conv.subject || 'A conversation', {
          title: ev.type === 'sla.breached' ? 'SLA breached' : 'SLA due soon',
          kind: ev.type === 'sla.breached' ? 'error' : 'warning',
          action: { label: 'Open', run: () => { location.hash = `#/c/${encodeURIComponent(conv.id)}`; } },
        });
      }
      return;
    }
    case 'sla.escalated': {
      // An escalation step: the conversation as the step left it; supervisors are told (notifySupervisors).
      if (d.conversation?.id) putConversation(d.conversation, ev.seq);
      if (['supervisor', 'admin'].includes(state.me?.role) && d.action === 'notifySupervisors') {
        const id = ev.conversationId;
        toast(d.conversation?.subject || 'A conversation', {
          title: 'SLA escalation', kind: 'error',
          action: { label: 'Open', run: () => { location.hash = `#/c/${encodeURIComponent(id)}`; } },
        });
      }
      return;
    }
    case 'csat.received':
      // The event carries the conversation as the rating left it (a low one reopens it).
      if (d.conversation?.id) putConversation(d.conversation, ev.seq);
      else if (ev.conversationId && state.conversations.has(ev.conversationId)) patchConversationLocal(ev.conversationId, { csat: d.csat || d });
      return;
    case 'order.updated':
    case 'return.updated':
      refreshContactSoon();
      return;
    default:
  }
});

let contactTimer = null;
/** Orders and returns show in the contact panel; reload it (at most once a second). */
function refreshContactSoon() {
  if (!app.contact.contactId || contactTimer) return;
  contactTimer = setTimeout(() => {
    contactTimer = null;
    if (app.contact.contactId) loadContact(app.contact.contactId, { force: true });
  }, 1000);
}

/** The server could not replay from our seq: reload over REST, then stream from its seq. */
on('stream-resync', async () => {
  const seq = await app.inbox.reload();
  app.inbox.loadCounts();
  if (app.conversation.id) app.conversation.open(app.conversation.id);
  stream.resumeFrom(seq);
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && app.conversation.id) app.conversation.markRead();
});

// ---- top bar -------------------------------------------------------------------------------

function renderSound() {
  const btn = $('#sound-toggle');
  const muted = isMuted();
  btn.setAttribute('aria-pressed', String(!muted));
  btn.textContent = muted ? 'Sound off' : 'Sound on';
  btn.title = muted ? 'Notification sound is muted' : 'Notification sound is on';
}

$('#sound-toggle').addEventListener('click', () => {
  setMuted(!isMuted());
  renderSound();
  if (!isMuted()) beep();
});
$('#shortcuts-button').addEventListener('click', () => { closeMenu(); app.showShortcuts(); });

// On narrow screens the pages, Shortcuts and Sound sit in a menu (app.css shows it as a drop-down).
const menuToggle = $('#menu-toggle');
function closeMenu() {
  menuToggle.setAttribute('aria-expanded', 'false');
  $('#topbar-menu').classList.remove('open');
}
menuToggle.addEventListener('click', () => {
  const open = menuToggle.getAttribute('aria-expanded') !== 'true';
  menuToggle.setAttribute('aria-expanded', String(open));
  $('#topbar-menu').classList.toggle('open', open);
  if (open) $('#topbar-menu').querySelector('a:not([hidden]), button')?.focus();
});
document.addEventListener('pointerdown', (e) => {
  if (!e.target.closest('#topbar-menu, #menu-toggle')) closeMenu();
});
$('#topbar-menu').addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { closeMenu(); menuToggle.focus(); }
});
$('#shortcuts-close').addEventListener('click', () => $('#shortcuts-dialog').close());
document.addEventListener('pointerdown', unlockAudio, { once: true });
document.addEventListener('keydown', unlockAudio, { once: true });

installKeys(app);

// ---- boot ----------------------------------------------------------------------------------

if (loadSession()) {
  startApp().catch((e) => toastError(e));
} else {
  showLogin();
}

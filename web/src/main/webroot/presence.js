// Ephemeral signals: who else views or types in the open conversation (#viewers, #typing),
// our own viewing/typing/presence frames, and other agents' online state.
import { on, emit } from './bus.js';
import { stream } from './stream.js';
import { state } from './store.js';
import { h, clear, append, $ } from './dom.js';
import { initials, hue } from './format.js';

const TTL_MS = 6000;
const VIEWING_EVERY_MS = 3000;
const AWAY_AFTER_MS = 60000;

export class Presence {
  constructor() {
    this.viewersEl = $('#viewers');
    this.typingEl = $('#typing');
    this.viewing = new Map(); // conversationId -> Map(userId -> {name, until})
    this.typing = new Map();
    this.status = state.presence; // userId -> online|away|offline
    this.openId = null;
    this.away = false;
    this.awayTimer = null;
    this.timers = [];

    on('ephemeral', (m) => this.onEphemeral(m));
    on('composer-typing', (id) => { if (id) stream.send({ type: 'typing', conversationId: id }); });
    on('stream-ready', () => { this.sendPresence(); this.sendViewing(); });
    document.addEventListener('visibilitychange', () => this.onVisibility());
  }

  start() {
    this.stop();
    this.timers.push(setInterval(() => this.sendViewing(), VIEWING_EVERY_MS));
    this.timers.push(setInterval(() => this.prune(), 1000));
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.awayTimer);
    this.viewing.clear();
    this.typing.clear();
    this.status.clear();
    this.openId = null;
    this.render();
  }

  setOpen(id) {
    this.openId = id;
    this.render();
    this.sendViewing();
  }

  sendViewing() {
    if (this.openId && !this.away) stream.send({ type: 'viewing', conversationId: this.openId });
  }

  sendPresence() {
    stream.send({ type: 'presence', status: this.away ? 'away' : 'online' });
  }

  /** Hidden for a minute -> away; visible again -> online. */
  onVisibility() {
    clearTimeout(this.awayTimer);
    if (document.visibilityState === 'hidden') {
      this.awayTimer = setTimeout(() => { this.away = true; this.sendPresence(); }, AWAY_AFTER_MS);
    } else {
      if (this.away) { this.away = false; this.sendPresence(); }
      this.sendViewing();
    }
  }

  onEphemeral(m) {
    switch (m.type) {
      case 'typing':
      case 'viewing': {
        if (!m.conversationId || !m.userId || m.userId === state.me?.id) return;
        const map = m.type === 'typing' ? this.typing : this.viewing;
        let per = map.get(m.conversationId);
        if (!per) { per = new Map(); map.set(m.conversationId, per); }
        per.set(m.userId, { name: m.userName || 'Another agent', until: Date.now() + TTL_MS });
        if (m.type === 'typing' && !m.customer) {
          // Someone typing is also looking at it (an agent: a chat visitor's typing is not viewing).
          let v = this.viewing.get(m.conversationId);
          if (!v) { v = new Map(); this.viewing.set(m.conversationId, v); }
          v.set(m.userId, { name: m.userName || 'Another agent', until: Date.now() + TTL_MS });
        }
        if (m.conversationId === this.openId) this.render();
        return;
      }
      case 'presence.updated':
        if (m.userId) this.status.set(m.userId, m.status || m.data?.status || 'online');
        emit('presence-changed');
        return;
      case 'presence.snapshot': {
        const list = m.users || m.items || m.data?.users || [];
        if (Array.isArray(list)) for (const u of list) if (u?.userId || u?.id) this.status.set(u.userId || u.id, u.status || 'online');
        emit('presence-changed');
        return;
      }
      default:
    }
  }

  prune() {
    const now = Date.now();
    let changed = false;
    for (const map of [this.viewing, this.typing]) {
      for (const [cid, per] of map) {
        for (const [uid, v] of per) if (v.until <= now) { per.delete(uid); if (cid === this.openId) changed = true; }
        if (!per.size) map.delete(cid);
      }
    }
    if (changed) this.render();
  }

  render() {
    clear(this.viewersEl);
    clear(this.typingEl);
    const viewers = [...(this.viewing.get(this.openId)?.values() || [])];
    const typers = [...(this.typing.get(this.openId)?.values() || [])];
    if (viewers.length) {
      append(this.viewersEl, [h('span', { class: 'viewers-label' }, 'Also viewing:'),
        viewers.map((v) => h('span', { class: 'viewer', title: `${v.name} is viewing` },
          h('span', { class: ['avatar', 'avatar-tiny', `hue-${hue(v.name)}`], 'aria-hidden': 'true' }, initials(v.name)),
          h('span', { class: 'viewer-name' }, v.name)))]);
    }
    this.typingEl.classList.toggle('active', typers.length > 0);
    if (typers.length) {
      const names = typers.map((t) => t.name);
      const text = names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
      this.typingEl.append(h('span', { class: 'typing-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', null, text));
    }
  }
}

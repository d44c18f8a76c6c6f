// The live stream: ticket, WebSocket, auth frame with `since`, replay, reconnect with backoff
// and jitter, pings, and the connection indicator (#connection-state[data-state]).
import { api, getSession } from './api.js';
import { emit } from './bus.js';

const EPHEMERAL = new Set(['typing', 'viewing', 'presence.updated', 'presence.snapshot', 'dashboard.snapshot']);
const LABELS = { connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline' };
const PING_MS = 20000;

class Stream {
  constructor() {
    this.ws = null;
    this.lastSeq = null;
    this.attempt = 0;
    this.stopped = true;
    this.ready = false;
    this.connecting = false;
    this.resyncing = false;
    this.timer = null;
    this.pingTimer = null;
    this.authTimer = null;
    this.state = 'offline';
    window.addEventListener('online', () => { if (!this.stopped && !this.ready) this.reconnectNow(); });
    window.addEventListener('offline', () => { if (!this.stopped) this.setState('offline'); });
  }

  seqKey() {
    const u = getSession()?.user;
    return `sb.lastSeq.${u?.accountId || ''}.${u?.id || ''}`;
  }

  /** Starts streaming from `since` (the REST snapshot's Switchboard-Seq), else from the remembered seq. */
  start(since) {
    this.stopped = false;
    if (since != null) this.setSeq(since, true);
    else {
      const saved = Number(sessionStorage.getItem(this.seqKey()));
      this.lastSeq = sessionStorage.getItem(this.seqKey()) != null && Number.isFinite(saved) ? saved : null;
    }
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.closeSocket(1000);
    this.setState('offline');
  }

  setSeq(n, force = false) {
    if (n == null || !Number.isFinite(Number(n))) return;
    const v = Number(n);
    if (force || this.lastSeq == null || v > this.lastSeq) {
      this.lastSeq = v;
      try { sessionStorage.setItem(this.seqKey(), String(v)); } catch { /* storage full */ }
    }
  }

  /** After a REST reload that answered with `seq`: stream again from there. */
  resumeFrom(seq) {
    this.resyncing = false;
    if (seq != null) this.setSeq(seq, true);
    else {
      // No snapshot seq (the reload failed): stream live only rather than ask for a resync again.
      this.lastSeq = null;
      try { sessionStorage.removeItem(this.seqKey()); } catch { /* ignore */ }
    }
    this.reconnectNow();
  }

  reconnectNow() {
    clearTimeout(this.timer);
    this.closeSocket(1000);
    this.attempt = 0;
    this.connect();
  }

  send(frame) {
    if (this.ws && this.ready && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    const el = document.getElementById('connection-state');
    if (el) {
      el.dataset.state = s;
      const label = document.getElementById('connection-label');
      if (label) label.textContent = LABELS[s] || s;
    }
    emit('stream-state', s);
  }

  closeSocket(code) {
    clearInterval(this.pingTimer);
    clearTimeout(this.authTimer);
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(code); } catch { /* already closed */ }
    }
  }

  async connect() {
    if (this.stopped || this.ws || this.connecting) return;
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    let ticket;
    this.connecting = true;
    try {
      ({ data: { ticket } } = await api('POST', '/api/v1/stream/tickets'));
    } catch (e) {
      if (e.status === 401) return; // the session is over; the app shows the sign-in screen
      this.scheduleReconnect();
      return;
    } finally {
      this.connecting = false;
    }
    if (this.stopped || this.ws) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${location.host}/api/v1/stream`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', ticket, since: this.lastSeq ?? null }));
      // No "ready" in time: drop and try again rather than hang.
      this.authTimer = setTimeout(() => { if (!this.ready && this.ws === ws) this.onClose({ code: 4000 }); }, 20000);
    };
    ws.onmessage = (e) => this.onFrame(e.data);
    ws.onclose = (e) => { if (this.ws === ws) this.onClose(e); };
    ws.onerror = () => { /* a close event follows */ };
  }

  onFrame(raw) {
    let msg;
    try { msg = JSON.parse(raw); } catch { return; }
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'ready':
        clearTimeout(this.authTimer);
        this.ready = true;
        this.attempt = 0;
        this.setSeq(msg.seq);
        this.setState('connected');
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_MS);
        emit('stream-ready', msg);
        return;
      case 'resync':
        this.resyncing = true;
        emit('stream-resync');
        return;
      case 'pong':
        return;
      default:
        break;
    }
    if (typeof msg.seq === 'number' && !EPHEMERAL.has(msg.type)) {
      if (this.resyncing) return; // the REST reload covers it; we resume from its seq
      if (this.lastSeq != null && msg.seq <= this.lastSeq) return; // already applied
      emit('event', msg);
      this.setSeq(msg.seq);
    } else {
      emit('ephemeral', msg);
    }
  }

  onClose(e) {
    this.closeSocket(1000);
    if (this.stopped) return;
    if (e.code === 4401 || e.code === 4403) {
      this.stopped = true;
      this.setState('offline');
      emit('stream-auth-failed', e.code);
      return;
    }
    this.scheduleReconnect(e.code === 4012 || e.code === 4408);
  }

  scheduleReconnect(soon = false) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.attempt += 1;
    const base = soon && this.attempt === 1 ? 300 : Math.min(30000, 1000 * 2 ** Math.min(this.attempt - 1, 5));
    const delay = base / 2 + Math.random() * (base / 2); // "equal jitter"
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

export const stream = new Stream();

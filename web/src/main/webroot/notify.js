// Toasts, and a short beep (WebAudio) that the agent can mute; the setting lives in localStorage.
import { h } from './dom.js';

const MUTE_KEY = 'sb.sound.muted';
let audio = null;

export function toast(text, { kind = 'info', title = null, timeout = 6000, action = null } = {}) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const el = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'toast-body' },
      title ? h('strong', { class: 'toast-title' }, title) : null,
      h('span', { class: 'toast-text' }, text)),
    action ? h('button', { type: 'button', class: 'btn btn-small toast-action', onclick: () => { action.run(); el.remove(); } }, action.label) : null,
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'));
  box.append(el);
  while (box.children.length > 5) box.firstChild.remove();
  if (timeout) setTimeout(() => el.remove(), timeout);
}

/** Shows an API error's problem detail (and field errors) in a toast. */
export function toastError(err, fallback = 'Something went wrong') {
  const p = err?.problem || {};
  const fields = Array.isArray(p.errors) ? p.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : '';
  const text = p.detail || err?.message || fallback;
  toast(fields && !text.includes(fields) ? `${text} (${fields})` : text, { kind: 'error', title: p.title && p.title !== text ? p.title : null });
}

export function isMuted() {
  return localStorage.getItem(MUTE_KEY) === '1';
}

export function setMuted(muted) {
  localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
}

/** Browsers allow audio only after a user gesture: unlock the context on the first one. */
export function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  if (!audio) audio = new Ctx();
  if (audio.state === 'suspended') audio.resume().catch(() => {});
}

export function beep() {
  if (isMuted()) return;
  try {
    unlockAudio();
    if (!audio) return;
    const t = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, t);
    osc.frequency.setValueAtTime(1175, t + 0.09);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.26);
  } catch { /* no audio device */ }
}

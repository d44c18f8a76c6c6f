// SLA countdowns: the nearest running due time of a conversation, shown as a badge whose text
// one shared ticker refreshes every second (no timer per badge).
import { h } from './dom.js';

const LABELS = { firstResponse: 'First response', nextResponse: 'Next response', resolution: 'Resolution' };
const SOON_MS = 30 * 60000;

/** The clock that runs out first: {metric, dueAt} or null (resolved, paused or no policy). */
export function nextDue(conv) {
  const sla = conv?.sla;
  if (!sla || conv.status === 'resolved') return null;
  const running = [];
  if (!sla.firstResponseAt && sla.firstResponseDueAt) running.push(['firstResponse', sla.firstResponseDueAt]);
  if (sla.nextResponseDueAt) running.push(['nextResponse', sla.nextResponseDueAt]);
  if (sla.resolutionDueAt && !sla.paused) running.push(['resolution', sla.resolutionDueAt]);
  if (!running.length) return null;
  running.sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]));
  return { metric: running[0][0], dueAt: running[0][1] };
}

export function metricLabel(metric) { return LABELS[metric] || metric; }

/** "12m", "3h 05m", "2d 4h"; negative spans are overdue. */
export function countdown(ms) {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const text = d > 0 ? `${d}d ${hh}h` : hh > 0 ? `${hh}h ${String(mm).padStart(2, '0')}m`
    : mm > 0 ? `${mm}m ${String(s % 60).padStart(2, '0')}s` : `${s % 60}s`;
  return ms < 0 ? `overdue ${text}` : text;
}

function paint(el) {
  const left = Date.parse(el.dataset.due) - Date.now();
  const state = left < 0 ? 'sla-breached' : left < SOON_MS ? 'sla-warning' : 'sla-ok';
  el.classList.remove('sla-breached', 'sla-warning', 'sla-ok');
  el.classList.add(state);
  const prefix = el.dataset.label ? `${el.dataset.label} ` : '';
  el.textContent = left < 0 ? `${prefix}${countdown(left)}` : `${prefix}in ${countdown(left)}`;
}

/** A live countdown badge for the conversation's nearest due time, or null. */
export function slaBadge(conv, { long = false } = {}) {
  const due = nextDue(conv);
  if (!due) return null;
  const el = h('span', {
    class: ['sla-chip', 'sla-countdown'],
    title: `${metricLabel(due.metric)} due ${new Date(due.dueAt).toLocaleString()}`,
    dataset: { due: due.dueAt, label: long ? metricLabel(due.metric) : '' },
  });
  paint(el);
  return el;
}

/** A countdown to a given due time (the dashboard's at-risk list). */
export function countdownBadge(dueAt) {
  const el = h('span', { class: ['sla-chip', 'sla-countdown'], dataset: { due: dueAt, label: '' } });
  paint(el);
  return el;
}

setInterval(() => {
  for (const el of document.querySelectorAll('.sla-countdown[data-due]')) paint(el);
}, 1000);

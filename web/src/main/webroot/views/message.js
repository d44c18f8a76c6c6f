// Renders one timeline message: channel badge, author, subject, body (email HTML only inside a
// sandboxed iframe), call card, attachments, note and "Public" markers, delivery status.
import { h } from '../dom.js';
import { attachmentUrl } from '../api.js';
import { channelLabel, channelClass, msgTime, fullTime, duration, fileSize, initials, hue, capitalize } from '../format.js';
import { toastError } from '../notify.js';

const DIRECTIONS = new Set(['inbound', 'outbound', 'note']);

function direction(msg) {
  return DIRECTIONS.has(msg.direction) ? msg.direction : 'inbound';
}

function authorName(msg, contactName) {
  const a = msg.author || {};
  if (a.name) return a.name;
  if (a.type === 'system') return 'Switchboard';
  if (a.type === 'bot') return 'Bot';
  return direction(msg) === 'inbound' ? (contactName || 'Customer') : 'Agent';
}

/** Attachment objects may be full ({id,name,contentType,size}) or just {id}. */
function attachmentName(a) {
  return a.name || a.filename || a.fileName || 'attachment';
}

/** Downloads through fetch with the bearer token, then saves from a blob: URL. */
async function download(att) {
  try {
    const url = await attachmentUrl(att.id);
    const a = h('a', { href: url, download: attachmentName(att), class: 'sr-only' });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    toastError(e, 'Could not download the attachment');
  }
}

export function attachmentLink(att, label) {
  const name = attachmentName(att);
  return h('a', {
    class: 'msg-attachment',
    href: `/api/v1/attachments/${encodeURIComponent(att.id)}`,
    download: name,
    dataset: { attachmentId: att.id },
    onclick: (e) => { e.preventDefault(); download(att); },
  },
    h('span', { class: 'att-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'att-name' }, label || name),
    att.size != null ? h('span', { class: 'att-size' }, fileSize(att.size)) : null);
}

function renderAttachments(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return h('ul', { class: 'msg-attachments' }, list.filter((a) => a && a.id).map((att) => {
    const li = h('li', null, attachmentLink(att));
    const type = att.contentType || '';
    if (type.startsWith('image/') && type !== 'image/svg+xml') {
      const img = h('img', { class: 'att-thumb', alt: attachmentName(att), loading: 'lazy' });
      attachmentUrl(att.id).then((u) => img.setAttribute('src', u)).catch(() => img.remove());
      li.prepend(img);
    }
    return li;
  }));
}

function renderCall(call) {
  if (!call || typeof call !== 'object') return null;
  const dir = call.direction === 'outbound' ? 'outbound' : 'inbound';
  const outcome = call.outcome || 'answered';
  const rec = call.recordingAttachmentId || call.recording?.id || null;
  const audioBox = h('div', { class: 'call-audio' });
  const play = rec ? h('button', {
    type: 'button',
    class: 'btn btn-small',
    onclick: async () => {
      play.disabled = true;
      try {
        const url = await attachmentUrl(rec);
        audioBox.replaceChildren(h('audio', { controls: true, src: url, preload: 'metadata' }));
        audioBox.querySelector('audio')?.play().catch(() => {});
        play.remove();
      } catch (e) {
        play.disabled = false;
        toastError(e, 'Could not load the recording');
      }
    },
  }, 'Play recording') : null;
  return h('div', { class: ['call-card', `call-${outcome}`, `call-${dir}`] },
    h('div', { class: 'call-head' },
      h('span', { class: 'call-icon', 'aria-hidden': 'true' }, dir === 'outbound' ? '↗' : '↙'),
      h('strong', { class: 'call-direction' }, dir === 'outbound' ? 'Outbound call' : 'Inbound call'),
      h('span', { class: ['call-outcome', `outcome-${outcome}`] }, capitalize(outcome)),
      call.durationSec != null ? h('span', { class: 'call-duration', title: `${call.durationSec} seconds` }, duration(call.durationSec)) : null,
      call.agentEmail ? h('span', { class: 'call-agent', title: 'Taken by' }, call.agentEmail) : null),
    rec ? h('div', { class: 'call-recording' }, attachmentLink({ id: rec, name: call.recordingName || 'Call recording' }, 'Recording'), play, audioBox) : null,
    call.transcript ? h('details', { class: 'call-transcript' },
      h('summary', null, 'Transcript'),
      h('p', { class: 'transcript-text' }, call.transcript)) : null);
}

/** A rough height for an email frame; the wrapper is resizable, and a sandboxed frame cannot be measured. */
function estimateHeight(text, html) {
  const src = text || html.replace(/<[^>]*>/g, ' ');
  const lines = src.split('\n').reduce((n, l) => n + 1 + Math.floor(l.length / 90), 0);
  const blocks = (html.match(/<(p|div|br|li|tr|h[1-6]|blockquote|table|hr)\b/gi) || []).length;
  return Math.max(90, Math.min(560, Math.max(lines * 22, blocks * 30) + 40));
}

/** Text for the plain view when the message has only HTML: parsed inertly, never inserted. */
function textOf(html) {
  try {
    return new DOMParser().parseFromString(html, 'text/html').body.textContent || '';
  } catch {
    return '';
  }
}

function renderBody(msg) {
  const text = msg.text || '';
  const html = typeof msg.html === 'string' && msg.html.trim() ? msg.html : null;
  const body = h('div', { class: 'msg-body' }, text || (html ? textOf(html) : ''));
  if (!html) return [body.textContent ? body : null];
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', ''); // no scripts, no same-origin, no forms, no popups
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.setAttribute('title', 'Email content');
  frame.className = 'msg-html';
  // The server sanitized the HTML; the sandbox is the second wall. The stylesheet is ours.
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/email-frame.css">${html}`;
  const wrap = h('div', { class: 'msg-html-wrap' }, frame);
  wrap.style.height = `${estimateHeight(text, html)}px`;
  body.hidden = true;
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn-link btn-small msg-toggle',
    'aria-pressed': 'false',
    onclick: () => {
      const plain = body.hidden;
      body.hidden = !plain;
      wrap.hidden = plain;
      toggle.textContent = plain ? 'Show formatted' : 'Show plain text';
      toggle.setAttribute('aria-pressed', String(plain));
    },
  }, 'Show plain text');
  return [wrap, body, toggle];
}

/**
 * Builds the element for a message. ctx: {contactName}.
 * Classes: .msg .msg-inbound|.msg-outbound|.msg-note; children .msg-author .msg-channel
 * .msg-subject .msg-body .msg-status .msg-attachment.
 */
export function renderMessage(msg, ctx = {}) {
  const dir = direction(msg);
  const author = authorName(msg, ctx.contactName);
  const status = dir === 'outbound' ? (msg.deliveryStatus || 'queued') : null;
  const avatarKey = msg.author?.id || author;
  return h('article', {
    class: ['msg', `msg-${dir}`, msg.public && 'msg-public', msg.autoSubmitted && 'msg-auto', msg.author?.type && `author-${msg.author.type}`],
    dataset: { id: msg.id, direction: dir },
    'aria-label': `${dir === 'note' ? 'Internal note' : 'Message'} from ${author}`,
  },
    h('span', { class: ['avatar', 'msg-avatar', `hue-${hue(avatarKey)}`], 'aria-hidden': 'true' }, initials(author)),
    h('div', { class: 'msg-bubble' },
      h('div', { class: 'msg-head' },
        h('span', { class: 'msg-author' }, author),
        h('span', { class: ['msg-channel', 'ch-badge', dir === 'note' ? 'ch-note' : channelClass(msg.channel)], title: dir === 'note' ? 'Only your team sees this' : `Channel: ${channelLabel(msg.channel)}` },
          dir === 'note' ? 'Internal note' : channelLabel(msg.channel)),
        msg.public ? h('span', { class: 'badge badge-public', title: 'Public comment: everyone can see it' }, 'Public') : null,
        msg.autoSubmitted ? h('span', { class: 'badge' }, 'Auto-reply') : null,
        h('time', { class: 'msg-time', datetime: msg.sentAt || msg.createdAt || '', title: fullTime(msg.sentAt || msg.createdAt) }, msgTime(msg.sentAt || msg.createdAt)),
        h('span', {
          class: ['msg-status', status && `status-${status}`],
          dataset: { status },
          hidden: !status,
          title: msg.deliveryError || msg.error || null,
        }, status || '')),
      h('div', { class: 'msg-subject', hidden: !msg.subject }, msg.subject || ''),
      renderBody(msg),
      renderCall(msg.call),
      renderAttachments(msg.attachments)));
}

/** Updates the delivery status of a rendered message in place (no iframe reload). */
export function updateStatus(el, msg) {
  const s = el.querySelector('.msg-status');
  if (!s) return;
  const status = msg.deliveryStatus || 'queued';
  s.textContent = status;
  s.className = `msg-status status-${status}`;
  s.dataset.status = status;
  s.hidden = direction(msg) !== 'outbound';
}

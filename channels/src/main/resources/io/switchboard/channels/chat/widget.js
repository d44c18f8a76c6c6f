/* Switchboard live chat widget: one script tag, plain JavaScript, its own shadow DOM.
   Customer and agent text is only ever set as textContent: nothing received runs as script. */
(function (cfg) {
  'use strict';
  if (window.__switchboardChat) return;
  window.__switchboardChat = true;
  var me = document.currentScript;
  var base = cfg.base;
  try { if (me && me.src) base = me.src.replace(/\/widget\.js(\?.*)?$/, ''); } catch (e) { /* the configured one */ }
  var who = {
    email: me && me.getAttribute('data-email') || null,
    name: me && me.getAttribute('data-name') || null,
    signature: me && me.getAttribute('data-signature') || null
  };
  var KEY = 'switchboard-chat:' + base;
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; } }
  function save(patch) {
    var s = load();
    for (var k in patch) s[k] = patch[k];
    try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode: this tab only */ }
  }
  var stored = load();

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function id() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  var host = el('div');
  host.setAttribute('data-switchboard-chat', '');
  // Inline and !important: the one element in the shop's DOM wins over any rule of the shop's CSS.
  host.style.cssText = 'all:initial!important;display:block!important;position:fixed!important;'
    + 'z-index:2147483000!important;right:20px!important;bottom:20px!important;';
  var root = host.attachShadow({ mode: 'open' });
  var css = el('style');
  css.textContent = '*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}'
    + '#sb-launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;'
    + 'box-shadow:0 4px 14px rgba(0,0,0,.25);position:relative;display:flex;align-items:center;justify-content:center}'
    + '#sb-launcher .dot{position:absolute;top:4px;right:4px;width:12px;height:12px;border-radius:50%;background:#e5484d;display:none}'
    + '#sb-launcher.unread .dot{display:block}'
    + '#sb-panel{position:absolute;right:0;bottom:68px;width:340px;max-width:calc(100vw - 40px);height:460px;'
    + 'max-height:calc(100vh - 110px);background:#fff;color:#1d2330;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);'
    + 'display:none;flex-direction:column;overflow:hidden}'
    + '#sb-panel.open{display:flex}'
    + 'header{background:var(--c);color:#fff;padding:12px 14px}header b{display:block;font-size:15px}'
    + '#sb-status{font-size:12px;opacity:.9}'
    + '#sb-log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9}'
    + '.sb-msg{max-width:80%;margin:4px 0;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}'
    + '.sb-msg.inbound{margin-left:auto;background:var(--c);color:#fff}'
    + '.sb-msg.outbound,.sb-msg.greeting{background:#fff;border:1px solid #e2e5ea}'
    + '.sb-msg.pending{opacity:.6}.sb-msg.failed{outline:2px solid #e5484d}'
    + '.sb-note{font-size:12px;color:#6b7280;margin:4px 0;text-align:center}'
    + '#sb-typing{font-size:12px;color:#6b7280;padding:0 12px;min-height:18px}'
    + 'form{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e2e5ea}'
    + 'input,textarea{width:100%;border:1px solid #cfd4dc;border-radius:8px;padding:7px 9px;color:#1d2330;background:#fff}'
    + 'textarea{resize:none;height:54px}'
    + 'button.send{align-self:flex-end;border:0;border-radius:8px;padding:7px 14px;background:var(--c);color:#fff;cursor:pointer}'
    + '.row{display:flex;gap:6px}[hidden]{display:none!important}';
  root.appendChild(css);
  host.style.setProperty('--c', cfg.color);

  var launcher = el('button');
  launcher.id = 'sb-launcher';
  launcher.type = 'button';
  launcher.setAttribute('aria-label', cfg.title);
  var NS = 'http://www.w3.org/2000/svg';
  var icon = document.createElementNS(NS, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('width', '26');
  icon.setAttribute('height', '26');
  icon.setAttribute('aria-hidden', 'true');
  var bubble = document.createElementNS(NS, 'path');
  bubble.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  bubble.setAttribute('fill', '#fff');
  icon.appendChild(bubble);
  launcher.appendChild(icon);
  launcher.appendChild(el('span', 'dot'));
  var panel = el('div');
  panel.id = 'sb-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', cfg.title);
  var head = el('header');
  head.appendChild(el('b', null, cfg.title));
  var status = el('span', null, '');
  status.id = 'sb-status';
  head.appendChild(status);
  var log = el('div');
  log.id = 'sb-log';
  log.setAttribute('aria-live', 'polite');
  var typingLine = el('div');
  typingLine.id = 'sb-typing';

  // Chat form (someone is there) and contact form (nobody is: email required).
  function field(tag, fid, placeholder, type) {
    var f = el(tag);
    f.id = fid;
    f.placeholder = placeholder;
    if (type) f.type = type;
    return f;
  }
  var chatForm = el('form');
  chatForm.id = 'sb-chat';
  var idRow = el('div', 'row');
  var nameIn = field('input', 'sb-name', 'Your name (optional)');
  var emailIn = field('input', 'sb-email', 'Email (optional)', 'email');
  idRow.appendChild(nameIn);
  idRow.appendChild(emailIn);
  var input = field('textarea', 'sb-input', 'Write a message\u2026');
  input.maxLength = 4000;
  var sendBtn = el('button', 'send', 'Send');
  sendBtn.id = 'sb-send';
  chatForm.appendChild(idRow);
  chatForm.appendChild(input);
  chatForm.appendChild(sendBtn);

  var contactForm = el('form');
  contactForm.id = 'sb-contact';
  contactForm.appendChild(el('div', 'sb-note', 'We are away right now. Leave a message and we will get back to you.'));
  var cName = field('input', 'sb-contact-name', 'Your name');
  var cEmail = field('input', 'sb-contact-email', 'Your email (required)', 'email');
  cEmail.required = true;
  var cText = field('textarea', 'sb-contact-text', 'How can we help?');
  cText.required = true;
  cText.maxLength = 4000;
  var cBtn = el('button', 'send', 'Send message');
  cBtn.id = 'sb-contact-send';
  [cName, cEmail, cText, cBtn].forEach(function (n) { contactForm.appendChild(n); });

  [head, log, typingLine, chatForm, contactForm].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);
  root.appendChild(launcher);

  var state = { open: !!stored.open, online: true, shown: {}, typingTimer: 0, lastTyping: 0 };
  if (who.signature) { idRow.hidden = true; cName.hidden = true; cEmail.hidden = true; }
  if (stored.name) nameIn.value = cName.value = stored.name;
  if (stored.email) emailIn.value = cEmail.value = stored.email;

  function setOpen(open) {
    state.open = open;
    panel.classList.toggle('open', open);
    if (open) launcher.classList.remove('unread');
    save({ open: open });
  }
  launcher.addEventListener('click', function () { setOpen(!state.open); });

  function render(m, pending) {
    var row = m.id && state.shown[m.id];
    if (row) { row.classList.remove('pending'); return row; }
    row = el('div', 'sb-msg ' + (m.direction === 'inbound' ? 'inbound' : 'outbound') + (pending ? ' pending' : ''), m.text);
    if (m.id) state.shown[m.id] = row;
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
    return row;
  }
  function note(text) { log.appendChild(el('div', 'sb-note', text)); log.scrollTop = log.scrollHeight; }

  function showAvailability(a) {
    state.online = !!(a && a.online);
    if (state.online) {
      status.textContent = 'We reply within a few minutes';
    } else if (a && a.nextOpenAt) {
      status.textContent = 'We are away \u2013 back ' + new Date(a.nextOpenAt).toLocaleString();
    } else {
      status.textContent = 'We are away \u2013 we reply by email';
    }
    chatForm.hidden = !state.online;
    contactForm.hidden = state.online;
  }

  // The socket: reconnects with backoff; messages wait in `outbox` until their "sent".
  var ws = null, ready = false, backoff = 500, outbox = {};
  function wsUrl() { return base.replace(/^http/, 'ws') + '/widget/socket'; }
  function connect() {
    ready = false;
    ws = new WebSocket(wsUrl());
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'hello', session: load().session || null,
        email: who.email || load().email || null, name: who.name || load().name || null, signature: who.signature }));
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      switch (f.type) {
        case 'welcome':
          ready = true;
          backoff = 500;
          save({ session: f.session });
          log.textContent = '';
          state.shown = {};
          log.appendChild(el('div', 'sb-msg greeting', cfg.greeting));
          (f.history || []).forEach(function (m) { render(m); });
          if (f.historyUnavailable) note('Earlier messages could not be loaded.');
          showAvailability(f.availability);
          for (var k in outbox) ws.send(JSON.stringify(outbox[k].frame));
          for (var k2 in outbox) outbox[k2].row = render({ id: 'c-' + k2, direction: 'inbound', text: outbox[k2].frame.text }, true);
          break;
        case 'message':
          if (f.message.direction === 'outbound') { typingLine.textContent = ''; }
          render(f.message);
          if (!state.open && f.message.direction === 'outbound') launcher.classList.add('unread');
          break;
        case 'sent': {
          var o = outbox[f.clientId];
          delete outbox[f.clientId];
          if (o && o.row) { o.row.classList.remove('pending'); state.shown[f.messageId] = o.row; }
          break;
        }
        case 'failed': {
          var p = outbox[f.clientId];
          if (p && !f.retryable) {
            delete outbox[f.clientId];
            if (p.row) p.row.classList.add('failed');
            note(f.detail || 'Not sent.');
          } else if (p) {
            note(f.detail || 'Not sent yet; trying again.');
            setTimeout(function () { if (outbox[f.clientId] && ready) ws.send(JSON.stringify(p.frame)); }, 3000);
          }
          break;
        }
        case 'typing':
          typingLine.textContent = cfg.title + ' is typing\u2026';
          clearTimeout(state.typingTimer);
          state.typingTimer = setTimeout(function () { typingLine.textContent = ''; }, 6000);
          break;
        case 'availability':
          showAvailability(f);
          break;
        case 'error':
          if (f.status === 401) { status.textContent = 'Chat is unavailable on this page.'; chatForm.hidden = contactForm.hidden = true; }
          break;
        default:
      }
    };
    ws.onclose = function (ev) {
      ready = false;
      if (ev.code === 4401) return; // a bad identity signature: trying again will not fix it
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }
  setInterval(function () { if (ready) ws.send('{"type":"ping"}'); }, 25000);

  function send(frame) {
    var clientId = id();
    frame.clientId = clientId;
    var row = render({ id: 'c-' + clientId, direction: 'inbound', text: frame.text }, true);
    outbox[clientId] = { frame: frame, row: row };
    if (ready) ws.send(JSON.stringify(frame));
  }

  chatForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var frame = { type: 'message', text: text };
    if (!who.signature && (nameIn.value.trim() || emailIn.value.trim())) {
      frame.name = nameIn.value.trim();
      frame.email = emailIn.value.trim();
      save({ name: frame.name || null, email: frame.email || null });
    }
    input.value = '';
    state.lastTyping = 0; // what they type next is news to the agent
    send(frame);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); chatForm.requestSubmit(); }
  });
  input.addEventListener('input', function () {
    var now = Date.now();
    if (ready && now - state.lastTyping > 3000) { state.lastTyping = now; ws.send('{"type":"typing"}'); }
  });
  contactForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = cText.value.trim();
    var email = who.signature ? who.email : cEmail.value.trim();
    if (!text || !email) return;
    save({ name: cName.value.trim() || null, email: email });
    cText.value = '';
    send({ type: 'contact', text: text, email: email, name: cName.value.trim() || null });
    note('Thanks! We will reply to ' + email + '.');
  });

  function mount() {
    document.body.appendChild(host);
    setOpen(state.open);
    connect();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})(/*CONFIG*/{});

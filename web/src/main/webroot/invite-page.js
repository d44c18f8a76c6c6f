// The pages of single-use links: an invitation (/invite/{token}: name and password) and a
// password reset (/reset: ask for a link; /reset/{token}: a new password). Accepting keeps the
// session the answer carries as the console keeps a sign-in (sessionStorage) and opens the console.
// The token is the last path segment; nothing from the page is ever inserted as HTML.
const form = document.getElementById('join');
const status = document.getElementById('status');

/** Keeps the session as the console's api.js does and opens the console. */
function enter(body) {
  sessionStorage.setItem('sb.session', JSON.stringify({
    token: body.token, expiresAt: body.expiresAt, refreshToken: body.refreshToken, user: body.user,
  }));
  try { localStorage.setItem('sb.lastEmail', body.user.email); } catch { /* private mode */ }
  location.replace('/');
}

async function post(path, payload) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(payload),
  });
  return { res, body: await res.json().catch(() => ({})) };
}

/** The two password fields: at least 8 characters, the same twice; else says which and returns null. */
function newPassword(f) {
  const password = f.elements.password.value;
  if (password.length < 8) { status.textContent = 'Choose a password of at least 8 characters.'; f.elements.password.focus(); return null; }
  if (password !== f.elements.confirm.value) { status.textContent = 'The two passwords differ.'; f.elements.confirm.focus(); return null; }
  return password;
}

function failure(res, body) {
  return res.status === 410 ? 'This link was used already or has expired. Ask for a new one.'
    : res.status === 429 ? 'Too many attempts. Wait a minute and try again.'
      : body.errors?.length ? body.errors.map((e) => e.message).join('; ') : (body.detail || 'That did not work. Try again.');
}

const token = decodeURIComponent(location.pathname.split('/').pop());

const reset = document.getElementById('reset');
if (reset) {
  reset.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = newPassword(reset);
    if (!password) return;
    const button = reset.querySelector('button');
    button.disabled = true;
    status.textContent = 'Saving…';
    try {
      const { res, body } = await post(`/api/v1/password-resets/${encodeURIComponent(token)}`, { password });
      if (res.ok) { enter(body); return; }
      status.textContent = failure(res, body);
    } catch { status.textContent = 'The server could not be reached. Try again.'; }
    button.disabled = false;
  });
}

const ask = document.getElementById('reset-request');
if (ask) {
  ask.addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = ask.elements.email.value.trim();
    if (!email || !ask.elements.email.checkValidity()) { status.textContent = 'Enter the email address you sign in with.'; return; }
    try {
      const { res, body } = await post('/api/v1/auth/password-reset', { email });
      status.textContent = res.ok ? 'If this address belongs to an account, a link is on its way. Check your mail.' : failure(res, body);
    } catch { status.textContent = 'The server could not be reached. Try again.'; }
  });
}

if (form) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    if (!name) { status.textContent = 'Enter your name.'; form.elements.name.focus(); return; }
    const password = newPassword(form);
    if (!password) return;
    const button = form.querySelector('button');
    button.disabled = true;
    status.textContent = 'Joining…';
    try {
      const { res, body } = await post(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, { name, password });
      if (res.ok) { enter(body); return; }
      status.textContent = failure(res, body);
    } catch { status.textContent = 'The server could not be reached. Try again.'; }
    button.disabled = false;
  });
}

// The invitee's page (/invite/{token}): sets name and password once, keeps the session the
// answer carries as the console keeps a sign-in (sessionStorage), and opens the console.
// The token is the last path segment; nothing from the page is ever inserted as HTML.
const form = document.getElementById('join');
if (form) {
  const status = document.getElementById('status');
  const token = decodeURIComponent(location.pathname.split('/').pop());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const password = form.elements.password.value;
    if (!name) { status.textContent = 'Enter your name.'; form.elements.name.focus(); return; }
    if (password.length < 8) { status.textContent = 'Choose a password of at least 8 characters.'; form.elements.password.focus(); return; }
    if (password !== form.elements.confirm.value) { status.textContent = 'The two passwords differ.'; form.elements.confirm.focus(); return; }
    const button = form.querySelector('button');
    button.disabled = true;
    status.textContent = 'Joining…';
    try {
      const res = await fetch(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        status.textContent = res.status === 410 ? 'This invitation was used already or has expired. Ask your admin for a new one.'
          : res.status === 429 ? 'Too many attempts. Wait a minute and try again.'
            : body.errors?.length ? body.errors.map((e) => e.message).join('; ') : (body.detail || 'That did not work. Try again.');
        button.disabled = false;
        return;
      }
      sessionStorage.setItem('sb.session', JSON.stringify({
        token: body.token, expiresAt: body.expiresAt, refreshToken: body.refreshToken, user: body.user,
      }));
      try { localStorage.setItem('sb.lastEmail', body.user.email); } catch { /* private mode */ }
      location.replace('/');
    } catch {
      status.textContent = 'The server could not be reached. Try again.';
      button.disabled = false;
    }
  });
}

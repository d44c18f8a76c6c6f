// The public CSAT page (/csat/{token}): posts the rating once. The token is the last path
// segment; nothing from the page is ever inserted as HTML.
const form = document.getElementById('survey');
if (form) {
  const status = document.getElementById('status');
  const token = decodeURIComponent(location.pathname.split('/').pop());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const picked = form.querySelector('input[name="rating"]:checked');
    if (!picked) {
      status.textContent = 'Please pick a rating from 1 to 5.';
      return;
    }
    const button = form.querySelector('button');
    button.disabled = true;
    status.textContent = 'Sending…';
    try {
      const res = await fetch('/api/v1/csat/' + encodeURIComponent(token), {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({rating: Number(picked.value), comment: form.comment.value || null}),
      });
      if (res.status === 201) {
        form.replaceChildren(Object.assign(document.createElement('p'), {textContent: 'Thank you! Your rating was recorded.'}));
      } else if (res.status === 409) {
        status.textContent = 'This survey was already answered. Thank you!';
      } else if (res.status === 410) {
        status.textContent = 'This survey has expired.';
      } else if (res.status === 429) {
        status.textContent = 'Too many attempts; please try again in a minute.';
        button.disabled = false;
      } else {
        status.textContent = 'Something went wrong; please try again.';
        button.disabled = false;
      }
    } catch (e) {
      status.textContent = 'No connection; please try again.';
      button.disabled = false;
    }
  });
}

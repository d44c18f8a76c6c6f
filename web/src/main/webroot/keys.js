// Keyboard shortcuts: j/k move, Enter/o open, r reply, n note, e resolve, / search, ? help.
// Esc in the composer is handled by the composer (it leaves it).

function isTypingTarget(el) {
  return !!el?.closest?.('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

export function installKeys(app) {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (document.getElementById('app')?.hidden) return;
    if (document.querySelector('dialog[open]')) return;
    const target = e.target;
    if (e.key === 'Escape' && isTypingTarget(target) && target.id !== 'composer-text') {
      target.blur();
      return;
    }
    if (isTypingTarget(target)) return;
    switch (e.key) {
      case 'j': app.inbox.move(1); break;
      case 'k': app.inbox.move(-1); break;
      case 'o': app.openSelected(); break;
      case 'Enter':
        // Links and buttons handle Enter themselves.
        if (target.closest?.('a, button, summary')) return;
        app.openSelected();
        break;
      case 'r': if (!app.hasOpen()) return; app.composer.focusReply(); break;
      case 'n': if (!app.hasOpen()) return; app.composer.focusNote(); break;
      case 'e': if (!app.hasOpen()) return; app.conversation.resolve(); break;
      case '/': document.getElementById('search')?.focus(); break;
      case '?': app.showShortcuts(); break;
      default: return;
    }
    e.preventDefault();
  });
}

// "x" logs an extra request from the page you are on (a message, the client page):
// it follows the link marked data-shortcut="x". Typing in a field is never taken as a
// shortcut, and a modifier key leaves the browser's own shortcuts alone. The link also
// carries accesskey="x" for the browser's own access-key combination.
if (!window.rapportShortcuts) {
  window.rapportShortcuts = true;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const link = document.querySelector(`a[data-shortcut="${event.key.toLowerCase()}"]`);
    if (link) {
      event.preventDefault();
      link.click();
    }
  });
}

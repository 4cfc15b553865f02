// Small behaviours wired by data attributes instead of inline handlers, so the
// Content-Security-Policy can forbid inline scripts.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();  // the printable letters
  }
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) {
    event.target.select();  // a link to copy, selected on first click
  }
});

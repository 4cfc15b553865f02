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
// Phone navigation: the "Menu" button opens and closes the links below it. Without
// JavaScript, noscript.css shows the links and hides the button.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (toggle) {
    toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
  }
});
document.addEventListener("keydown", (event) => {
  const toggle = document.querySelector('[data-nav-toggle][aria-expanded="true"]');
  if (event.key === "Escape" && toggle && window.getComputedStyle(toggle).display !== "none") {
    toggle.setAttribute("aria-expanded", "false");  // Escape closes the open menu
    toggle.focus();
  }
});
// Steps that cannot be undone ask first: <form data-confirm="Question?">. Without
// JavaScript the form submits directly; the button's own text says what happens.
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// On a phone, responsive tables stack each row into a card and hide the header row: every
// cell after the first gets its column's name (data-label), shown before it by the CSS.
// Tables swapped in by htmx (filtered lists) are labelled too.
function labelResponsiveTables(root) {
  root.querySelectorAll("table.responsive").forEach((table) => {
    const headers = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, index) => {
        if (index > 0 && headers[index] && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelResponsiveTables(document));
document.addEventListener("htmx:afterSettle", (event) => labelResponsiveTables(event.target));

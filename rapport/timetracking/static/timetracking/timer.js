// The header timer counts up while it runs. The state lives on the server (the running
// entry), so a reload or another page shows the same timer; this only moves the clock.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    document.querySelectorAll("[data-timer-started]").forEach((el) => {
      const started = Date.parse(el.dataset.timerStarted);
      if (Number.isNaN(started)) return;
      const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      el.textContent = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
    });
  };
  document.addEventListener("DOMContentLoaded", () => {
    tick();
    window.setInterval(tick, 1000);
  });
})();

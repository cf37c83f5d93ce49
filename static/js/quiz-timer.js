// Shows the time left in a timed quiz. The server enforces the deadline; this is a hint.
(function () {
  "use strict";
  var timer = document.querySelector(".quiz-timer[data-deadline]");
  if (!timer) { return; }
  var deadline = Date.parse(timer.getAttribute("data-deadline"));
  var out = timer.querySelector(".quiz-timer-remaining");
  if (isNaN(deadline) || !out) { return; }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    out.textContent = "(" + Math.floor(left / 60) + ":" + pad(left % 60) + ")";
    if (left === 0) {
      timer.classList.add("is-expired");
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();

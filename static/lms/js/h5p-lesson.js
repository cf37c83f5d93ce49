/* The H5P lesson page (docs/h5p.md): shows what the player frame reports after the
 * portal recorded a statement (lesson or course completed, or an error). Only messages
 * from this page's own frame and origin are read. */
(function () {
  "use strict";
  var frame = document.getElementById("h5p-frame");
  var status = document.getElementById("h5p-status");
  var configElement = document.getElementById("h5p-lesson-config");
  if (!frame || !status || !configElement) return;
  var messages = JSON.parse(configElement.textContent);

  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.context !== "portal-h5p") return;
    if (data.type === "error") {
      status.textContent = messages.error;
    } else if (data.type === "recorded") {
      if (data.courseCompleted) {
        status.textContent = messages.courseCompleted;
        status.classList.add("status-done");
      } else if (data.lessonCompleted) {
        status.textContent = messages.lessonCompleted;
        status.classList.add("status-done");
      } else if (typeof data.scaled === "number") {
        status.textContent = messages.scored.replace("%(score)s", String(Math.round(data.scaled * 100)));
      }
    }
  });
})();

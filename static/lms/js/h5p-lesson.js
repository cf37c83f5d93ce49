/* The H5P lesson page (docs/h5p.md): shows what the player frame reports after the
 * portal recorded a statement (lesson or course completed, or an error). Only messages
 * from this page's own frame and origin are read.
 *
 * With a separate content origin ("h5p-bridge-config": contentOrigin, xapiUrl) the frame
 * is on that origin and sends the statements themselves; this page records them (one
 * request at a time, in order, CSRF token in X-CSRFToken) and shows the answer. Only
 * messages from the frame on the content origin are read. */
(function () {
  "use strict";
  var frame = document.getElementById("h5p-frame");
  var status = document.getElementById("h5p-status");
  var configElement = document.getElementById("h5p-lesson-config");
  if (!frame || !status || !configElement) return;
  var messages = JSON.parse(configElement.textContent);
  var bridgeElement = document.getElementById("h5p-bridge-config");
  var bridge = bridgeElement ? JSON.parse(bridgeElement.textContent) : null;
  var csrf = document.getElementById("h5p-csrf");
  var queue = Promise.resolve();
  var frameOrigin = bridge ? bridge.contentOrigin : window.location.origin;

  function record(statement) {
    queue = queue.then(function () {
      return fetch(bridge.xapiUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
        body: JSON.stringify({ statement: statement }),
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (answer) {
          answer.type = "recorded";
          show(answer);
        })
        .catch(function () {
          show({ type: "error" });
        });
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== frameOrigin || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.context !== "portal-h5p") return;
    if (bridge) {
      if (data.type === "statement" && bridge.xapiUrl && data.statement && typeof data.statement === "object") {
        record(data.statement);
      }
      return;
    }
    show(data);
  });

  function show(data) {
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
  }
})();

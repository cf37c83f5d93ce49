/* The H5P player frame (docs/h5p.md): h5p-standalone plays the package, and the xAPI
 * statements its content dispatches about itself ("answered", "completed", ...) are sent
 * to the portal for the learner's lesson (CSRF token in X-CSRFToken). The answer is
 * passed to the lesson page around the frame (same origin only). Settings come from the
 * json_script "h5p-player-config".
 *
 * On the separate content origin (config.portalOrigin) the frame records nothing itself:
 * each such statement goes to the lesson page, and only to the portal's origin
 * (explicit targetOrigin), as {context: "portal-h5p", type: "statement", statement};
 * the lesson page records it (static/lms/js/h5p-lesson.js). */
(function () {
  "use strict";
  var configElement = document.getElementById("h5p-player-config");
  var container = document.getElementById("h5p-container");
  if (!configElement || !container || !window.H5PStandalone) return;
  var config = JSON.parse(configElement.textContent);
  var csrf = document.getElementById("h5p-csrf");
  var VERBS = ["answered", "completed", "passed", "failed"];
  var queue = Promise.resolve();

  function tellLessonPage(message) {
    if (window.parent && window.parent !== window) {
      message.context = "portal-h5p";
      window.parent.postMessage(message, window.location.origin);
    }
  }

  function send(statement) {
    // One request at a time, in order: a "completed" after an "answered" stays last.
    queue = queue.then(function () {
      return fetch(config.xapiUrl, {
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
          tellLessonPage(answer);
        })
        .catch(function () {
          tellLessonPage({ type: "error" });
        });
    });
  }

  new window.H5PStandalone.H5P(container, {
    h5pJsonPath: config.h5pJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    title: config.title,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
  }).then(function () {
    document.body.setAttribute("data-h5p-ready", "yes");
    var bridged = Boolean(config.portalOrigin) && window.parent !== window;
    if (!config.xapiUrl && !bridged) return;
    window.H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event && event.data && event.data.statement;
      if (!statement || !statement.verb || !statement.verb.id) return;
      var verb = statement.verb.id.split("/").pop();
      if (VERBS.indexOf(verb) === -1) return;
      if (bridged) {
        window.parent.postMessage(
          {
            context: "portal-h5p",
            type: "statement",
            statement: JSON.parse(JSON.stringify(statement)),
          },
          config.portalOrigin
        );
      } else {
        send(statement);
      }
    });
  });
})();

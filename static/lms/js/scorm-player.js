/* The SCORM lesson player (docs/scorm.md). Creates scorm-again's API object (window.API
 * for SCORM 1.2, window.API_1484_11 for SCORM 2004) loaded with the learner's stored
 * data, then opens the package in the frame. Commits are batched: the package may call
 * LMSCommit/Commit as often as it likes, but the portal receives at most one request
 * per `commitSeconds` (the latest data), plus one when the package ends or the page
 * is left. Settings come from the json_script "scorm-player-config".
 *
 * With a separate content origin (config.contentOrigin) the runtime is not created here:
 * the frame opens the content origin's player page (static/lms/js/scorm-bridge.js),
 * which runs scorm-again next to the package. This page answers its "scorm:ready" with
 * the learner's data and batches the "scorm:commit" messages it sends, exactly as it
 * batches the local runtime's commits. Messages are taken only from that frame on that
 * origin and sent only to that origin (never "*"). */
(function () {
  "use strict";
  var configElement = document.getElementById("scorm-player-config");
  var frame = document.getElementById("scorm-frame");
  if (!configElement || !frame) return;
  var config = JSON.parse(configElement.textContent);
  var csrf = document.getElementById("scorm-csrf");
  var status = document.getElementById(config.statusId);
  var messages = config.messages || {};
  var session = (window.crypto && window.crypto.randomUUID)
    ? window.crypto.randomUUID()
    : String(Date.now()) + Math.random().toString(16).slice(2);
  var batchMs = Math.max(1, config.commitSeconds) * 1000;
  var pending = null;
  var pendingTerminate = false;
  var lastSent = 0;
  var timer = null;

  function say(text) {
    if (status && text) {
      status.textContent = text;
    }
  }

  function send(payload, terminate) {
    lastSent = Date.now();
    return fetch(config.commitUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: terminate,
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf ? csrf.value : "",
      },
      body: JSON.stringify({ session: session, terminate: terminate, cmi: payload }),
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (result) {
      if (result.courseCompleted) {
        say(messages.courseCompleted);
        if (status) status.classList.add("status-done");
      } else if (result.lessonCompleted) {
        say(messages.lessonCompleted);
        if (status) status.classList.add("status-done");
      }
    }).catch(function () {
      say(messages.error);
      if (!pending) {
        pending = payload; // sent again with the next batch
      }
    });
  }

  function flush(terminate) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pending || !config.commitUrl) return;
    var payload = pending;
    var isTerminate = terminate || pendingTerminate;
    pending = null;
    pendingTerminate = false;
    send(payload, isTerminate);
  }

  function schedule() {
    if (timer) return;
    var wait = Math.max(0, lastSent + batchMs - Date.now());
    timer = setTimeout(function () {
      timer = null;
      flush(false);
    }, wait);
  }

  // scorm-again hands every commit (the package's and its own autocommit) to this
  // service: keep only the latest data and send it in the next batch.
  var batchingHttpService = {
    processHttpRequest: function (url, params, immediate) {
      pending = params;
      if (immediate) {
        pendingTerminate = true;
        flush(true);
      } else {
        schedule();
      }
      return { result: "true", errorCode: 0 };
    },
    updateSettings: function () {},
  };

  window.addEventListener("pagehide", function () {
    flush(true);
  });
  if (!config.launchUrl) return;

  if (config.contentOrigin) {
    window.addEventListener("message", function (event) {
      if (event.origin !== config.contentOrigin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || typeof data !== "object") return;
      if (data.type === "scorm:ready") {
        frame.contentWindow.postMessage(
          {
            type: "scorm:init",
            cmi: config.cmi || {},
            recording: Boolean(config.commitUrl),
            commitUrl: config.commitUrl,
            commitSeconds: config.commitSeconds,
          },
          config.contentOrigin
        );
      } else if (data.type === "scorm:commit" && config.commitUrl) {
        if (!data.cmi || typeof data.cmi !== "object") return;
        batchingHttpService.processHttpRequest(
          config.commitUrl,
          data.cmi,
          Boolean(data.terminate)
        );
      }
    });
    frame.src = config.launchUrl;
    return;
  }

  var settings = {
    lmsCommitUrl: config.commitUrl || false,
    autocommit: Boolean(config.commitUrl),
    autocommitSeconds: config.commitSeconds,
    httpService: batchingHttpService,
    sendFullCommit: true,
    dataCommitFormat: "json",
    logLevel: 5,
  };
  function makeApi(cmi) {
    var created = config.version === "1.2"
      ? new window.Scorm12API(settings)
      : new window.Scorm2004API(settings);
    if (cmi && Object.keys(cmi).length) {
      created.loadFromJSON(cmi);
    }
    return created;
  }
  var api;
  try {
    api = makeApi(config.cmi);
  } catch (error) {
    // Stored interactions the runtime refuses must not stop the package: resume
    // without them (the server keeps them).
    var withoutInteractions = Object.assign({}, config.cmi);
    delete withoutInteractions.interactions;
    api = makeApi(withoutInteractions);
  }
  if (config.version === "1.2") {
    window.API = api;
  } else {
    window.API_1484_11 = api;
  }
  frame.src = config.launchUrl;
})();

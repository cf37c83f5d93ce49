/* The SCORM bridge on the separate content origin (docs/scorm.md, "A separate content
 * origin"). The package runs in a frame of this page, on this origin, so it finds
 * scorm-again's API object here (window.API for SCORM 1.2, window.API_1484_11 for 2004)
 * as it would in the lesson page. This page is itself framed by the lesson page on the
 * portal's origin, which it reaches only by postMessage:
 *   -> {type: "scorm:ready"}                  once loaded, asking for the learner's data
 *   <- {type: "scorm:init", cmi, recording, commitUrl, commitSeconds}
 *   -> {type: "scorm:commit", cmi, terminate} every commit of the runtime (the lesson page
 *                                             batches them and POSTs them, CSRF-protected)
 * Messages go only to the portal's origin (never "*") and are taken only from the parent
 * window on that origin. Settings come from the json_script "scorm-bridge-config". */
(function () {
  "use strict";
  var configElement = document.getElementById("scorm-bridge-config");
  var frame = document.getElementById("scorm-frame");
  if (!configElement || !frame || window.parent === window) return;
  var config = JSON.parse(configElement.textContent);
  var portal = config.portalOrigin;
  var started = false;

  function post(message) {
    window.parent.postMessage(message, portal);
  }

  // scorm-again hands every commit (the package's and its own autocommit) to this
  // service; the lesson page keeps the latest and sends at most one request per batch.
  var bridgeHttpService = {
    processHttpRequest: function (url, params, immediate) {
      post({
        type: "scorm:commit",
        cmi: JSON.parse(JSON.stringify(params || {})),
        terminate: Boolean(immediate),
      });
      return { result: "true", errorCode: 0 };
    },
    updateSettings: function () {},
  };

  function start(init) {
    var recording = Boolean(init.recording && init.commitUrl);
    var settings = {
      lmsCommitUrl: recording ? String(init.commitUrl) : false,
      autocommit: recording,
      autocommitSeconds: Number(init.commitSeconds) || 10,
      httpService: bridgeHttpService,
      sendFullCommit: true,
      dataCommitFormat: "json",
      logLevel: 5,
    };
    var v12 = typeof window.Scorm12API === "function";
    function makeApi(cmi) {
      var created = v12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
      if (cmi && Object.keys(cmi).length) {
        created.loadFromJSON(cmi);
      }
      return created;
    }
    var cmi = init.cmi && typeof init.cmi === "object" ? init.cmi : {};
    var api;
    try {
      api = makeApi(cmi);
    } catch (error) {
      // Stored interactions the runtime refuses must not stop the package.
      var withoutInteractions = Object.assign({}, cmi);
      delete withoutInteractions.interactions;
      api = makeApi(withoutInteractions);
    }
    if (v12) {
      window.API = api;
    } else {
      window.API_1484_11 = api;
    }
    frame.src = config.launchUrl;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== portal || event.source !== window.parent) return;
    var data = event.data;
    if (!data || data.type !== "scorm:init" || started) return;
    started = true;
    start(data);
  });
  post({ type: "scorm:ready" });
})();

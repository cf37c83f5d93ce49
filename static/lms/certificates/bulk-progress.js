// Progress of a certificate ZIP job (admin, /admin/sertifikat/unduh-zip/<id>/).
// Polls the job's small JSON status endpoint and updates the <progress> bar; without
// JavaScript the page refreshes itself (a meta refresh inside <noscript>) instead. No inline scripts (CSP).
(function () {
  "use strict";
  var root = document.querySelector("[data-bulk-status-url]");
  if (!root) {
    return;
  }
  var url = root.getAttribute("data-bulk-status-url");
  var bar = root.querySelector("progress");
  var label = root.querySelector("[data-bulk-label]");
  var download = root.querySelector("[data-bulk-download]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.status === "done" ? bar.max : job.progress;
        label.textContent = job.status_label + " — " + job.percent + "%";
        if (job.status === "done" || job.status === "failed") {
          if (job.download_url && download) {
            download.href = job.download_url;
            download.hidden = false;
          }
          if (job.status === "failed") {
            window.location.reload();
          }
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  poll();
})();

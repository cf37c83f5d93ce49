// The assignment form (templates/lms/admin/assignment_create.html): show only the target
// picker of the chosen "Assign to" kind. Without JavaScript the server renders that one
// picker and a "Show the choices" button reloads the form for another kind; with it the
// pickers switch at once and the button goes away. Hidden pickers keep their values but
// only the chosen kind's are used by the service.
(function () {
  "use strict";
  function init() {
    var select = document.querySelector("select[name='target_type']");
    if (!select) return;
    var reload = document.querySelector("[data-target-picker-reload]");
    if (reload) reload.hidden = true;
    function sync() {
      document.querySelectorAll("[data-target-picker]").forEach(function (box) {
        box.hidden = box.getAttribute("data-target-picker") !== select.value;
      });
    }
    select.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

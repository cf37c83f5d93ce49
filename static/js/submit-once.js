// Forms carrying a one-time token (input[name="submit_token"], accounts/submit_once.py):
// once sent, their submit buttons are disabled and a second submit is ignored. The server
// guards anyway; this only spares the user the second request. No inline script needed.
(function () {
  "use strict";
  // Included once per guarded form: listen only once per page.
  if (window.submitOnceLoaded) {
    return;
  }
  window.submitOnceLoaded = true;
  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector || !form.querySelector('input[name="submit_token"]')) {
      return;
    }
    if (form.getAttribute("data-submitted") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "1");
    // Disabled after the event, so that the clicked button's name and value are still sent.
    window.setTimeout(function () {
      Array.prototype.forEach.call(buttons(form), function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });
  // Coming back with the browser's Back button restores the page as it was: re-enable.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll('form[data-submitted="1"]'), function (form) {
      form.removeAttribute("data-submitted");
      Array.prototype.forEach.call(buttons(form), function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();

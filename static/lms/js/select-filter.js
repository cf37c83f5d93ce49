// A search box above every <select data-select-filter>: typing hides the options that do
// not contain the text (selected options always stay visible). No inline script needed.
(function () {
  "use strict";
  function attach(select) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter";
    input.setAttribute("aria-controls", select.id);
    input.setAttribute("aria-label", select.getAttribute("data-select-filter-label") || "Search");
    input.placeholder = select.getAttribute("data-select-filter-label") || "";
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.selected || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
      });
    });
    select.parentNode.insertBefore(input, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-select-filter]"), attach);
  });
})();

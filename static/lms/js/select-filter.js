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
  // The same box above a checkbox list (<div data-select-filter> around Django's
  // CheckboxSelectMultiple, lms/widgets.py): hides the entries, never a ticked one.
  function attachList(box) {
    var input = document.createElement("input");
    var label = box.getAttribute("data-select-filter-label") || "Search";
    input.type = "search";
    input.className = "select-filter";
    input.setAttribute("aria-label", label);
    input.placeholder = label;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(box.querySelectorAll("label"), function (entry) {
        var checkbox = entry.querySelector('input[type="checkbox"]');
        var text = entry.textContent.toLowerCase();
        var match = !needle || (checkbox && checkbox.checked) || text.indexOf(needle) !== -1;
        (entry.parentNode === box ? entry : entry.parentNode).hidden = !match;
      });
    });
    box.insertBefore(input, box.firstChild);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-select-filter]"), attach);
    Array.prototype.forEach.call(
      document.querySelectorAll("div[data-select-filter]"),
      attachList
    );
  });
})();

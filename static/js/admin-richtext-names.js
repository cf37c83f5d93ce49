// Loaded into Wagtail's page and snippet editors (accounts/wagtail_hooks.py, insert_editor_js).
// Draftail's editable area has role="textbox" but no accessible name, so a screen reader
// announces an unnamed text box (axe aria-input-field-name, WCAG 4.1.2). Each one is named
// by the label of the field it belongs to; rich-text blocks added later are named too.
// On a narrow screen the editor scrolls, and axe (scrollable-region-focusable) does not
// count a bare contenteditable as focusable content: an explicit tabindex="0" says so
// (it is already in the tab order, so this adds no tab stop).
(function () {
  "use strict";
  var counter = 0;

  function name(area) {
    if (!area.hasAttribute("tabindex")) area.setAttribute("tabindex", "0");
    if (area.hasAttribute("aria-label") || area.hasAttribute("aria-labelledby")) return;
    var label = labelFor(area);
    if (!label || !label.textContent.trim()) return;
    if (!label.id) {
      counter += 1;
      label.id = "richtext-label-" + counter;
    }
    area.setAttribute("aria-labelledby", label.id);
  }

  // The field's own <label for="id_…"> (Wagtail puts it in the panel heading, outside
  // the field), else the heading of the panel or block around it.
  function labelFor(area) {
    var field = area.closest("[data-field], .w-field");
    var input = field && field.querySelector("input[id], textarea[id]");
    var label = input && document.querySelector('label[for="' + input.id + '"]');
    if (label) return label;
    var section = area.closest("[aria-labelledby]");
    return section && document.getElementById(section.getAttribute("aria-labelledby"));
  }

  function nameAll(root) {
    root.querySelectorAll(".Draftail-Editor [contenteditable='true']").forEach(name);
  }

  function start() {
    nameAll(document);
    new MutationObserver(function () {
      nameAll(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

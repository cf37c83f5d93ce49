// The named-people picker of a plan item (templates/competencies/admin/development_plan/
// item_form.html, docs/development-plan.md). Without JavaScript HR types NIPs into the
// "Named employees" list and the server checks each one. With it, a search box finds the
// employees in the HR manager's scope by name or NIP (the JSON search view); "Add" puts
// the NIP on the list, which stays the one value the form sends. Results are buttons, so
// Tab and Enter work; a live region says how many were found and who was added.
(function () {
  "use strict";
  function init() {
    var box = document.querySelector("[data-people-picker]");
    if (!box) return;
    var list = document.getElementById(box.getAttribute("data-target"));
    var input = box.querySelector("input[type=search]");
    var results = box.querySelector("[data-people-results]");
    var status = box.querySelector("[data-people-status]");
    if (!list || !input || !results || !status) return;
    var url = box.getAttribute("data-url");
    var timer = null;
    var asked = 0;
    box.hidden = false;

    function nips() {
      return list.value.split(/\s+/).filter(Boolean);
    }
    function say(text) {
      status.textContent = text;
    }
    function add(person, button) {
      if (nips().indexOf(person.nip) === -1) {
        list.value = nips().concat([person.nip]).join("\n");
      }
      button.disabled = true;
      button.textContent = box.getAttribute("data-added");
      say(person.name + " " + box.getAttribute("data-added-name"));
      input.focus();
    }
    function show(people) {
      results.textContent = "";
      var chosen = nips();
      people.forEach(function (person) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = person.name + " — " + person.nip + (person.unit ? " — " + person.unit : "");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small button-secondary";
        button.textContent = box.getAttribute("data-add");
        button.setAttribute("aria-label", box.getAttribute("data-add") + ": " + person.name + " " + person.nip);
        if (chosen.indexOf(person.nip) !== -1) {
          button.disabled = true;
          button.textContent = box.getAttribute("data-added");
        }
        button.addEventListener("click", function () { add(person, button); });
        item.appendChild(label);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(button);
        results.appendChild(item);
      });
      say(String(people.length) + " " + box.getAttribute("data-found"));
    }
    function search() {
      var query = input.value.trim();
      if (query.length < 2) {
        results.textContent = "";
        say("");
        return;
      }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (mine === asked) show(data.results || []);
        })
        .catch(function () {
          if (mine === asked) say(box.getAttribute("data-failed"));
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      // Enter searches at once instead of sending the item form.
      if (event.key === "Enter") {
        event.preventDefault();
        window.clearTimeout(timer);
        search();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

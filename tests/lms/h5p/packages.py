"""Small real .h5p packages built by the tests (never downloaded).

Real H5P content types (H5P.MultiChoice…) are large JavaScript libraries fetched from
h5p.org; the tests cannot download them, so the package carries a minimal H5P library of
our own, `H5P.PortalQuestion 1.0`: a library.json and one script defining a content type
the way H5P's content types do (an EventDispatcher with attach($container)). It shows one
multiple-choice question and, on "Periksa", reports its score through H5P core's own
xAPI helpers (`triggerXAPIScored` → `answered`, then `completed`), which h5p-standalone's
core forwards to `H5P.externalDispatcher` like any content type."""

from __future__ import annotations

import io
import json
import zipfile

LIBRARY = "H5P.PortalQuestion"

LIBRARY_JSON = {
    "title": "Portal question",
    "machineName": LIBRARY,
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "embedTypes": ["iframe"],
    "author": "Portal tests",
    "license": "MIT",
    "coreApi": {"majorVersion": 1, "minorVersion": 24},
    "preloadedJs": [{"path": "portal-question.js"}],
    "preloadedCss": [{"path": "portal-question.css"}],
}

LIBRARY_JS = """var H5P = H5P || {};
H5P.PortalQuestion = (function ($, EventDispatcher) {
  "use strict";
  function PortalQuestion(params, contentId) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
  }
  PortalQuestion.prototype = Object.create(EventDispatcher.prototype);
  PortalQuestion.prototype.constructor = PortalQuestion;
  PortalQuestion.prototype.attach = function ($container) {
    var self = this;
    var params = this.params;
    $container.addClass("h5p-portal-question");
    $("<p>", { "class": "question", text: params.question }).appendTo($container);
    (params.answers || []).forEach(function (answer, index) {
      var id = "answer-" + index;
      var $row = $("<div>").appendTo($container);
      $("<input>", { type: "radio", name: "answer", id: id, value: String(index) }).appendTo($row);
      $("<label>", { "for": id, text: answer }).appendTo($row);
    });
    var $feedback = $("<p>", { "class": "feedback", role: "status" });
    $("<button>", { type: "button", "class": "check", text: params.checkLabel || "Check" })
      .on("click", function () {
        var chosen = $container.find("input[name=answer]:checked").val();
        var score = Number(chosen) === params.correct ? 1 : 0;
        self.triggerXAPIScored(score, 1, "answered");
        self.triggerXAPIScored(score, 1, "completed");
        $feedback.text(score ? params.rightText : params.wrongText);
        $container.attr("data-answered", score ? "right" : "wrong");
      })
      .appendTo($container);
    $feedback.appendTo($container);
    self.trigger("resize");
  };
  return PortalQuestion;
})(H5P.jQuery, H5P.EventDispatcher);
"""

LIBRARY_CSS = ".h5p-portal-question { padding: 1rem; font-size: 1rem; }\n"

CONTENT = {
    "question": "Apa kepanjangan ASN?",
    "answers": ["Aparatur Sipil Negara", "Aparat Sipil Nasional", "Anggota Staf Negeri"],
    "correct": 0,
    "checkLabel": "Periksa",
    "rightText": "Benar!",
    "wrongText": "Belum tepat.",
}


def h5p_json(**overrides) -> dict:
    data = {
        "title": "Kuis ASN",
        "language": "id",
        "mainLibrary": LIBRARY,
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [{"machineName": LIBRARY, "majorVersion": 1, "minorVersion": 0}],
    }
    data.update(overrides)
    return data


def h5p_files(**h5p_overrides) -> dict[str, bytes | str]:
    folder = f"{LIBRARY}-1.0/"
    return {
        "h5p.json": json.dumps(h5p_json(**h5p_overrides)),
        "content/content.json": json.dumps(CONTENT),
        folder + "library.json": json.dumps(LIBRARY_JSON),
        folder + "portal-question.js": LIBRARY_JS,
        folder + "portal-question.css": LIBRARY_CSS,
    }


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def h5p_zip(**h5p_overrides) -> bytes:
    return zip_of(h5p_files(**h5p_overrides))


def bomb_zip() -> bytes:
    """A valid package plus a member that unpacks to 50 MB of zeros (~50 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in h5p_files().items():
            archive.writestr(name, content)
        archive.writestr("content/images/nol.bin", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()

"""Small real SCORM packages built by the tests (never downloaded): a SCORM 1.2 package
with one SCO and a SCORM 2004 4th edition package with two SCOs and no sequencing.

Each SCO page finds the runtime in its parent window like authoring tools' output does
and offers buttons the browser test presses: it shows what it resumed from, saves a
location and suspend data and suspends, or completes (and passes) and finishes."""

from __future__ import annotations

import io
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="pelayanan-12" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Pelayanan Prima</title>
      <item identifier="item-1" identifierref="res-1">
        <title>Standar pelayanan</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="{launch}"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="etika-2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Etika ASN</title>
      <item identifier="bagian-1" identifierref="res-1"><title>Bagian 1: Nilai dasar</title></item>
      <item identifier="bagian-2" identifierref="res-2" parameters="?bagian=2">
        <title>Bagian 2: Kode etik</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormType="sco" href="sco1/index.html">
      <file href="sco1/index.html"/><dependency identifierref="common"/>
    </resource>
    <resource identifier="res-2" type="webcontent" adlcp:scormType="sco" xml:base="sco2/" href="index.html">
      <file href="index.html"/><dependency identifierref="common"/>
    </resource>
    <resource identifier="common" type="webcontent" adlcp:scormType="asset">
      <file href="shared/sco.js"/>
    </resource>
  </resources>
</manifest>
"""

# A SCO page: the runtime calls of a typical authoring tool, made from buttons.
SCO_HTML = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{title}</title></head>
<body data-version="{version}">
<h1>{title}</h1>
<p>Resumed from: <output id="resumed"></output></p>
<button type="button" id="suspend">Simpan dan jeda</button>
<button type="button" id="complete">Selesai</button>
<script src="{shared}"></script>
</body></html>
"""

SCO_JS = """(function () {
  "use strict";
  function findApi(name) {
    var win = window;
    for (var i = 0; i < 10 && win; i++) {
      if (win[name]) return win[name];
      if (win === win.parent) break;
      win = win.parent;
    }
    return null;
  }
  var v12 = document.body.dataset.version === "1.2";
  var api = findApi(v12 ? "API" : "API_1484_11");
  var call = {
    init: function () { return v12 ? api.LMSInitialize("") : api.Initialize(""); },
    get: function (k) { return v12 ? api.LMSGetValue(k) : api.GetValue(k); },
    set: function (k, val) { return v12 ? api.LMSSetValue(k, val) : api.SetValue(k, val); },
    commit: function () { return v12 ? api.LMSCommit("") : api.Commit(""); },
    finish: function () { return v12 ? api.LMSFinish("") : api.Terminate(""); },
  };
  call.init();
  var loc = v12 ? "cmi.core.lesson_location" : "cmi.location";
  document.getElementById("resumed").textContent =
    (call.get(loc) || "-") + "|" + (call.get("cmi.suspend_data") || "-");
  document.getElementById("suspend").addEventListener("click", function () {
    call.set(loc, "halaman-3");
    call.set("cmi.suspend_data", "dilihat=1,2,3");
    call.set(v12 ? "cmi.core.exit" : "cmi.exit", "suspend");
    if (v12) call.set("cmi.core.session_time", "00:02:05");
    else call.set("cmi.session_time", "PT2M5S");
    call.commit();
    call.finish();
    document.body.dataset.done = "suspended";
  });
  document.getElementById("complete").addEventListener("click", function () {
    if (v12) {
      call.set("cmi.core.score.raw", "90");
      call.set("cmi.core.lesson_status", "passed");
      call.set("cmi.core.exit", "");
    } else {
      call.set("cmi.score.scaled", "0.9");
      call.set("cmi.completion_status", "completed");
      call.set("cmi.success_status", "passed");
      call.set("cmi.exit", "normal");
    }
    call.commit();
    call.finish();
    document.body.dataset.done = "completed";
  });
  document.body.dataset.ready = "yes";
})();
"""


def _zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def scorm12_files(*, launch: str = "index.html") -> dict[str, bytes | str]:
    return {
        "imsmanifest.xml": MANIFEST_12.format(launch=launch),
        "index.html": SCO_HTML.format(title="Standar pelayanan", shared="sco.js", version="1.2"),
        "sco.js": SCO_JS,
    }


def scorm12_zip(**kwargs) -> bytes:
    return _zip(scorm12_files(**kwargs))


def scorm2004_files() -> dict[str, bytes | str]:
    return {
        "imsmanifest.xml": MANIFEST_2004,
        "sco1/index.html": SCO_HTML.format(
            title="Nilai dasar", shared="../shared/sco.js", version="2004"
        ),
        "sco2/index.html": SCO_HTML.format(
            title="Kode etik", shared="../shared/sco.js", version="2004"
        ),
        "shared/sco.js": SCO_JS,
    }


def scorm2004_zip() -> bytes:
    return _zip(scorm2004_files())


def zip_of(files: dict[str, bytes | str]) -> bytes:
    return _zip(files)

"""Two minimal SCORM packages authored for the tests (a 1.2 and a 2004 SCO), and a lesson that plays one.

Each SCO is one HTML page (the 1.2 one with its script in a file of its own) whose script finds the API
the usual way (walking up `window.parent`, then `window.opener`), initializes, reads where the learner
left off, sets location, suspend data, score and status, commits and finishes. It also probes the data
model's refusals and what it can see of the site (document.cookie, a fetch of the logged-in user), and
writes everything it found into `#report` for the browser test to read.
"""

from __future__ import annotations

import io
import zipfile

import smooth

_FIND = """
function findApi(name) {
  var win = window, hops = 0;
  try {
    while (win && !win[name] && win.parent && win.parent !== win && hops < 10) { win = win.parent; hops++; }
    if (win && win[name]) { return win[name]; }
  } catch (e) { /* a parent of another origin */ }
  try { return window.opener && window.opener[name]; } catch (e) { return null; }
}
function report(key, value) {
  var out = document.getElementById("report");
  out.setAttribute("data-" + key, String(value));
}
function probeSite() {
  var cookie;
  try { cookie = document.cookie; } catch (e) { cookie = "blocked: " + e.name; }
  report("cookie", cookie === "" ? "empty" : cookie);
  var storage;
  try { storage = String(window.localStorage.length); } catch (e) { storage = "blocked"; }
  report("storage", storage);
  fetch("/api/method/frappe.auth.get_logged_user", {credentials: "include"})
    .then(function (r) { return r.text().then(function (t) { report("whoami", r.status + " " + t); }); })
    .catch(function (e) { report("whoami", "refused: " + e.name); });
}
"""

SCO_12 = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SCO 1.2</title>
<script src="probe.js"></script>
<script>
window.onload = function () {
  var api = findApi("API");
  if (!api) { report("api", "missing"); return; }
  report("api", "found");
  api.LMSInitialize("");
  report("entry", api.LMSGetValue("cmi.core.entry"));
  var visits = +(api.LMSGetValue("cmi.suspend_data").replace("visits=", "") || 0) + 1;
  report("resumed-data", api.LMSGetValue("cmi.suspend_data"));
  report("resumed-location", api.LMSGetValue("cmi.core.lesson_location"));
  report("student", api.LMSGetValue("cmi.core.student_id"));
  report("bad-status", api.LMSSetValue("cmi.core.lesson_status", "finished") + " " + api.LMSGetLastError());
  report("read-only", api.LMSSetValue("cmi.core.student_id", "x") + " " + api.LMSGetLastError());
  api.LMSGetValue("cmi.core.session_time");
  report("write-only", api.LMSGetLastError());
  api.LMSSetValue("cmi.core.lesson_location", "page-" + visits);
  api.LMSSetValue("cmi.suspend_data", "visits=" + visits);
  api.LMSSetValue("cmi.core.score.raw", "85");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSSetValue("cmi.core.session_time", "0000:00:12.50");
  api.LMSSetValue("cmi.core.exit", "suspend");
  api.LMSCommit("");
  api.LMSFinish("");
  report("done", "yes");
  probeSite();
};
</script></head>
<body><h1>Fire safety (SCORM 1.2)</h1><p id="report">Playing</p></body></html>
"""

SCO_2004 = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SCO 2004</title>
<script>""" + _FIND + """
window.onload = function () {
  var api = findApi("API_1484_11");
  if (!api) { report("api", "missing"); return; }
  report("api", "found");
  api.Initialize("");
  report("entry", api.GetValue("cmi.entry"));
  report("resumed-data", api.GetValue("cmi.suspend_data"));
  report("resumed-location", api.GetValue("cmi.location"));
  report("location-error", api.GetLastError());
  report("bad-scaled", api.SetValue("cmi.score.scaled", "2") + " " + api.GetLastError());
  report("undefined", api.SetValue("cmi.nothing", "1") + " " + api.GetLastError());
  api.SetValue("cmi.location", "slide-3");
  api.SetValue("cmi.suspend_data", "answers=abc");
  api.SetValue("cmi.score.raw", "9");
  api.SetValue("cmi.score.scaled", "0.9");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.session_time", "PT1M5S");
  api.SetValue("cmi.exit", "suspend");
  api.Commit("");
  api.Terminate("");
  report("done", "yes");
  probeSite();
};
</script></head>
<body><h1>Data protection (SCORM 2004)</h1><p id="report">Playing</p></body></html>
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="fire-safety" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Fire safety</title>
    <item identifier="item1" identifierref="res1"><title>Fire safety</title>
      <adlcp:masteryscore>80</adlcp:masteryscore></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="content/index.html">
    <file href="content/index.html"/></resource></resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="data-protection" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Data protection</title>
    <item identifier="item1" identifierref="res1"><title>Data protection</title></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="sco.html">
    <file href="sco.html"/></resource></resources>
</manifest>
"""


SCO_UNCOMMITTED = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Half-way SCO</title>
<script>
window.onload = function () {
  var api = window.API_1484_11, out = document.getElementById("report");
  api.Initialize("");
  out.setAttribute("data-resumed-location", api.GetValue("cmi.location"));
  api.SetValue("cmi.location", "draft-1");
  api.SetValue("cmi.suspend_data", "half-way");
  out.setAttribute("data-done", "yes");  /* and never commits: the learner leaves the page */
};
</script></head>
<body><h1>Half-way</h1><p id="report">Playing</p></body></html>
"""


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def package_12() -> bytes:
    return zipped({"imsmanifest.xml": MANIFEST_12, "content/index.html": SCO_12, "content/probe.js": _FIND})


def package_2004() -> bytes:
    return zipped({"imsmanifest.xml": MANIFEST_2004, "sco.html": SCO_2004})


def package_uncommitted() -> bytes:
    """A 2004 SCO that sets its location and suspend data and never commits them."""
    return zipped({"imsmanifest.xml": MANIFEST_2004, "sco.html": SCO_UNCOMMITTED})


def upload(content: bytes, file_name: str = "package.zip") -> str:
    """The private file URL of `content` (as the desk's upload would store it)."""
    file = smooth.get_doc({"doctype": "File", "file_name": file_name, "is_private": 1})
    file.content = content
    file.insert()
    return str(file.file_url)


def scorm_lesson(course: str, content: bytes, title: str = "Package") -> str:
    """A lesson of `course` (in a chapter of its own) playing the package `content`."""
    chapter = smooth.get_doc({"doctype": "Course Chapter", "title": f"{title} chapter", "course": course}).insert()
    lesson = smooth.get_doc({"doctype": "Course Lesson", "title": title, "chapter": chapter.name,
                             "scorm_package": upload(content)}).insert()
    return str(lesson.name)

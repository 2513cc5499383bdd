// The SCORM player page: what the package's API shim (smooth_lms/scorm/shim.js) hands over on Commit and
// Finish/Terminate is stored by the whitelisted commit method, in order; the status line and progress follow.
// What the package set but did not commit is sent when the learner leaves the page.
(function () {
  "use strict";
  var player = document.getElementById("scorm-player");
  var frame = document.getElementById("scorm-frame");
  if (!player || !frame) { return; }
  var status = document.getElementById("scorm-status"), error = document.getElementById("scorm-error");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var queue = Promise.resolve(), pending = null;

  function fromPackage(source) {
    // the package's page, or a frame inside it (each in its own opaque origin)
    for (var w = source, hops = 0; w && hops < 10; hops++) {
      if (w === frame.contentWindow) { return true; }
      if (w === window || w === w.parent) { return false; }
      w = w.parent;
    }
    return false;
  }
  function words(r) {
    var parts = [window.__(r.completion_status.charAt(0).toUpperCase() + r.completion_status.slice(1))];
    if (r.success_status && ["unknown", r.completion_status].indexOf(r.success_status) < 0) { parts.push(window.__(r.success_status)); }
    if (r.score !== null && r.score !== undefined) { parts.push(window.__("score {0}", [r.score])); }
    return parts.join(" · ");
  }
  function show(result) {
    status.textContent = words(result);
    var bar = document.querySelector(".progress-line progress"), value = document.querySelector(".progress-line .progress-value");
    if (bar) { bar.value = result.progress; bar.textContent = Math.round(result.progress) + "%"; }
    if (value) { value.textContent = Math.round(result.progress) + "%"; }
    if (result.completed && player.dataset.completed !== "1") {
      document.dispatchEvent(new CustomEvent("lms:lesson-completed"));
    }
    player.dataset.completed = result.completed ? "1" : "0";
    error.hidden = true;
  }
  function request(changes, keepalive) {
    return fetch("/api/method/smooth_lms.scorm.runtime.commit", {
      method: "POST", credentials: "same-origin", keepalive: keepalive,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Frappe-CSRF-Token": token },
      body: JSON.stringify({ lesson: player.dataset.lesson, attempt: +player.dataset.attempt,
                             session: player.dataset.session, changes: changes })
    });
  }
  function store(data) {
    return request(data.changes, false).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.exception || body._error_message || window.__("Not saved")); }
        show(body.message);
        player.dataset.saved = String(+(player.dataset.saved || 0) + 1);
      });
    }).catch(function (e) {
      error.textContent = window.__("Your progress in this package was not saved: {0}", [e.message]);
      error.hidden = false;
    });
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || !data.smoothScorm || !fromPackage(event.source)) { return; }
    if (data.session !== player.dataset.session || typeof data.changes !== "object") { return; }
    if (data.smoothScorm === "pending") { pending = data.changes; return; }
    pending = null;
    if (data.smoothScorm !== "finish" && !Object.keys(data.changes).length) { return; }
    queue = queue.then(function () { return store(data); });
  });
  // leaving the page before the package committed: what it set is sent anyway (a request that outlives the page)
  window.addEventListener("pagehide", function () {
    if (pending && Object.keys(pending).length) {
      try { request(pending, true); } catch (e) { /* over the browser's keepalive size: lost, as without it */ }
      pending = null;
    }
  });
}());

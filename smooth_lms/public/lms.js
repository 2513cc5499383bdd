// Smooth LMS portal: small conveniences on top of pages that work without JavaScript.
(function () {
  "use strict";
  // a select marked data-autosubmit submits its form when changed (the button stays for keyboards and no-JS)
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
  // a player saying the lesson is now complete ("lms:lesson-completed") ticks it in the course sidebar
  document.addEventListener("lms:lesson-completed", function () {
    var link = document.querySelector('#lesson-sidebar a[aria-current="page"]');
    var item = link && link.closest("li");
    if (!item || item.classList.contains("done")) { return; }
    item.classList.add("done");
    var state = item.querySelector(".lesson-state");
    if (state) { state.classList.add("done"); state.textContent = "\u2713"; }
    var said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = window.__("(done)");
    item.appendChild(said);
  });
  // offer the device's own zone when it differs from the one shown
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("device-zone");
    var select = document.getElementById("timezone");
    var device = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!button || !select || !device || device === select.value) { return; }
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === device; })) { return; }
    button.textContent = window.__("Use this device's zone ({0})", [device]);
    button.hidden = false;
    button.addEventListener("click", function () {
      select.value = device;
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    });
  });
  // a booking form is sent once: a second click while the first is on its way does nothing
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    if ((form.method || "").toLowerCase() === "post") { form.dataset.sending = "1"; }
  });
})();

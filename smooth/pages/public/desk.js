// Smooth pages: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";
  const token = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // htmx requests carry the session's CSRF token, as the API expects.
  document.addEventListener("htmx:configRequest", (event) => {
    if (token()) event.detail.headers["X-Frappe-CSRF-Token"] = token();
  });

  // Close the user menu with Escape or a click elsewhere.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") document.querySelectorAll("details.user-menu[open]").forEach((d) => d.removeAttribute("open"));
  });
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.user-menu[open]").forEach((d) => { if (!d.contains(event.target)) d.removeAttribute("open"); });
  });

  window.smooth = Object.assign(window.smooth || {}, { csrfToken: token });
})();

// List view: "select all on this page", a confirmation before a bulk delete, and the filter panel folded on a
// phone (the records come first; "Filters" opens it). The list works without it.
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 760px)");
  function wire(root) {
    if (PHONE.matches) root.querySelectorAll("[data-filter-panel]").forEach((panel) => { panel.open = false; });
    root.querySelectorAll("[data-bulk-form]:not([data-wired])").forEach((form) => {
      form.dataset.wired = "1";
      const all = form.querySelector("[data-select-all]");
      const boxes = () => Array.from(form.querySelectorAll("[data-row-select]"));
      if (all) {
        all.closest("label").hidden = false;
        all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
      }
      form.addEventListener("submit", (event) => {
        const button = event.submitter;
        if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => wire(document));
  document.addEventListener("htmx:load", (event) => wire(event.detail.elt));
})();

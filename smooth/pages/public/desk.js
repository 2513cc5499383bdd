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
    if (event.key === "Escape") document.querySelectorAll("details.user-menu[open], details.print-menu[open]").forEach((d) => d.removeAttribute("open"));
  });
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.user-menu[open], details.print-menu[open]").forEach((d) => { if (!d.contains(event.target)) d.removeAttribute("open"); });
  });

  // The desk search bar: results (htmx fills them) open under it; arrows move through them, Escape closes.
  const searchBar = document.querySelector("[data-desk-search]");
  if (searchBar) {
    const input = searchBar.querySelector("input[type=search]"), popup = searchBar.querySelector(".search-popup");
    const hits = () => Array.from(popup.querySelectorAll("a"));
    const show = (open) => { popup.hidden = !open; };
    popup.hidden = true;
    document.addEventListener("htmx:afterSwap", (event) => { if (event.target === popup) show(input.value.trim() !== "" && popup.children.length > 0); });
    searchBar.addEventListener("keydown", (event) => {
      const list = hits(), at = list.indexOf(document.activeElement);
      if (event.key === "Escape") { show(false); input.focus(); }
      else if (event.key === "ArrowDown" && list.length) { event.preventDefault(); show(true); list[Math.min(at + 1, list.length - 1)].focus(); }
      else if (event.key === "ArrowUp" && at >= 0) { event.preventDefault(); (at === 0 ? input : list[at - 1]).focus(); }
    });
    document.addEventListener("click", (event) => { if (!searchBar.contains(event.target)) show(false); });
    input.addEventListener("focus", () => { if (popup.children.length && input.value.trim()) show(true); });
  }

  window.smooth = Object.assign(window.smooth || {}, { csrfToken: token });
})();

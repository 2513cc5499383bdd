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

  // A whitelisted method called for JSON (the type-ahead's search), with the session's cookie.
  function callMethod(method, params) {
    const query = Object.keys(params).map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(params[k])).join("&");
    return fetch("/api/method/" + method + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { message: null }));
  }

  // Link type-ahead for every Link input on any page (data-link="<DocType>", or data-dynamic-link naming the
  // input in the same form that holds the doctype): its datalist is filled with the records the viewer may read.
  function linkTarget(input) {
    if (input.hasAttribute("data-link")) return input.getAttribute("data-link");
    const source = input.form && input.form.querySelector("[name='" + input.getAttribute("data-dynamic-link") + "']");
    return source ? source.value : "";
  }
  const isLink = (el) => el.hasAttribute && (el.hasAttribute("data-link") || el.hasAttribute("data-dynamic-link"));
  const timers = new WeakMap();
  function suggest(input) {
    const doctype = linkTarget(input), list = document.getElementById(input.getAttribute("list"));
    if (!doctype || !list) return;
    callMethod("frappe.desk.search.search_link", { doctype: doctype, txt: input.value, page_length: 10 }).then((body) => {
      list.textContent = "";
      (body.message || []).forEach((item) => {
        const option = document.createElement("option");
        option.value = item.value;
        if (item.description) option.label = item.description;
        list.appendChild(option);
      });
    }).catch(() => {});
  }
  document.addEventListener("input", (event) => {
    if (!isLink(event.target)) return;
    clearTimeout(timers.get(event.target));
    timers.set(event.target, setTimeout(() => suggest(event.target), 200));
  });
  document.addEventListener("focusin", (event) => { if (isLink(event.target)) suggest(event.target); });

  // A form posting to a whitelisted method (data-method-form; "Back up now"): sent with the CSRF header, then the
  // page reloads to show what it started; a refusal is shown in the page's [data-method-error].
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-method-form")) return;
    event.preventDefault();
    const button = form.querySelector("[type=submit]"), error = document.querySelector("[data-method-error]");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { Accept: "application/json", "X-Frappe-CSRF-Token": token() } })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body: body })))
      .then(({ ok, body }) => {
        if (ok) { window.location.reload(); return; }
        if (button) button.disabled = false;
        if (error) { error.textContent = body._error_message || (body.exception || __("The request failed")).replace(/^[\w.]+: /, ""); error.hidden = false; }
      })
      .catch(() => { if (button) button.disabled = false; });
  });

  window.smooth = Object.assign(window.smooth || {}, { csrfToken: token, callMethod: callMethod, linkTarget: linkTarget });

  // Frappe's __(): a script's words in the reader's language, from the dictionaries the server wrote into the
  // page (script[data-messages], English text -> translation; read at each call: an htmx swap may bring others);
  // {0}, {1} take `args`. Text no dictionary has stays English.
  window.__ = function (text, args) {
    let found = text;
    document.querySelectorAll("script[data-messages]").forEach((s) => { found = JSON.parse(s.textContent || "{}")[text] || found; });
    return (args || []).reduce((out, arg, i) => out.split("{" + i + "}").join(String(arg)), found);
  };
})();

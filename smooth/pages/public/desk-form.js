// The desk form: tabs, field conditions, Link type-ahead and fetch_from, the child-table grid,
// confirmations and the unsaved-changes warning. The form works without this file (a plain
// POST); this only makes it quicker to use.
(function () {
  "use strict";
  var form = document.getElementById("doc-form");

  function each(selector, root, fn) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn); }

  // -- confirmations (delete, submit, cancel, delete comment) ---------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  each("[data-js-only]", document, function (el) { el.hidden = false; });
  each("[data-no-js]", document, function (el) { el.hidden = true; });
  if (!form) return;

  // a save answered with the saved form (to show the server's messages): the address becomes the record's
  if (form.getAttribute("data-saved-url") && window.history.replaceState) {
    window.history.replaceState(null, "", form.getAttribute("data-saved-url"));
  }

  // -- tabs -------------------------------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(form.querySelectorAll("[role=tab]"));
  function selectTab(tab, focus) {
    tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
    if (focus) tab.focus();
  }
  if (tabs.length) {
    selectTab(tabs[0], false);
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { selectTab(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        selectTab(tabs[(next + tabs.length) % tabs.length], true);
      });
    });
    // a field the server names in an error, or an invalid one, is shown by opening its tab
    form.addEventListener("invalid", function (event) {
      var panel = event.target.closest("[data-tab-panel]");
      if (panel && panel.hidden) selectTab(document.getElementById(panel.getAttribute("aria-labelledby")), false);
    }, true);
  }

  // -- field conditions -----------------------------------------------------------------------------
  var stored = JSON.parse(document.getElementById("form-doc-values").textContent || "{}");
  var types = JSON.parse(document.getElementById("form-field-types").textContent || "{}");
  var NUMERIC = { Int: 1, "Long Int": 1, Float: 1, Currency: 1, Percent: 1, Duration: 1, Rating: 1 };

  function inputValue(type, el) {
    if (type === "Check") return el.checked ? 1 : 0;
    var text = el.value;
    if (text === "") return null;
    if (NUMERIC[type]) { var n = Number(text); return isNaN(n) ? text : n; }
    if (type === "Datetime") return text.replace("T", " ");
    return text;
  }

  function currentDoc(row) {
    var doc = {};
    Object.keys(stored).forEach(function (k) { doc[k] = stored[k]; });
    each("[data-fieldname]", form, function (wrapper) {
      if (wrapper.closest("tr[data-row]")) return;
      var name = wrapper.getAttribute("data-fieldname"), type = types[name] ? types[name].type : "";
      if (wrapper.querySelector("table[data-grid]")) {
        doc[name] = Array.prototype.slice.call(wrapper.querySelectorAll("tbody tr[data-row]:not([data-blank-row])"));
        return;
      }
      var el = wrapper.querySelector(type === "Check" ? "input[type=checkbox]" : "input:not([type=hidden]):not([type=file]), select, textarea");
      if (el && el.name === name) doc[name] = inputValue(type, el);
    });
    if (row) {
      each("[data-fieldname]", row, function (cell) {
        var el = cell.querySelector("input[type=checkbox], input:not([type=hidden]), select, textarea");
        if (!el) {  // a read-only cell: the value it shows, so conditions on it still hold
          var shown = cell.querySelector("[data-value]");
          var value = shown && shown.getAttribute("data-value");
          if (shown) doc[cell.getAttribute("data-fieldname")] = shown.hasAttribute("data-number") ? Number(value) : (value || null);
          return;
        }
        doc[cell.getAttribute("data-fieldname")] = el.type === "checkbox" ? (el.checked ? 1 : 0) : (el.value === "" ? null : el.value);
      });
    }
    return doc;
  }

  function holds(condition, doc, fallback) {
    try { return window.SmoothExpressions.evaluate(condition, doc); } catch (e) { return fallback; }
  }

  function applyConditions() {
    if (!window.SmoothExpressions) return;
    var doc = currentDoc(null);
    each("[data-depends-on], [data-mandatory-depends-on], [data-read-only-depends-on]", form, function (el) {
      var row = el.closest("tr[data-row]");
      var here = row ? currentDoc(row) : doc;
      var dep = el.getAttribute("data-depends-on");
      if (dep) {
        var shown = holds(dep, here, true);
        if (row) el.classList.toggle("condition-hidden", !shown); else el.hidden = !shown;
      }
      var mand = el.getAttribute("data-mandatory-depends-on");
      var controls = el.querySelectorAll("input:not([type=hidden]), select, textarea");
      if (mand) {
        var required = holds(mand, here, false);
        el.classList.toggle("is-reqd", required);
        Array.prototype.forEach.call(controls, function (c) { c.required = required; c.setAttribute("aria-required", required ? "true" : "false"); });
      }
      var ro = el.getAttribute("data-read-only-depends-on");
      if (ro) {
        var readOnly = holds(ro, here, false);
        Array.prototype.forEach.call(controls, function (c) {
          if (c.tagName === "SELECT" || c.type === "checkbox" || c.type === "file") c.disabled = readOnly; else c.readOnly = readOnly;
        });
      }
    });
    // a section shows while its Section Break's condition holds and it has a field to show
    each("section.form-section", form, function (section) {
      var dep = section.getAttribute("data-depends-on");
      var shown = Array.prototype.some.call(section.querySelectorAll(".form-field:not([hidden])"), function (f) {
        return !f.closest(".form-column[hidden]");
      });
      section.hidden = !shown || (dep ? !holds(dep, doc, true) : false);
    });
    // a tab whose Tab Break's condition fails is hidden; if it was the open one, the first shown opens
    var open = tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0];
    if (open && open.hidden) {
      var first = tabs.filter(function (t) { return !t.hidden; })[0];
      if (first) selectTab(first, false);
    }
  }

  // -- Open link, fetch_from (the type-ahead itself is desk.js's, for every Link input) ----------------
  function slugOf(doctype) { return doctype.toLowerCase().replace(/ /g, "-"); }
  var call = window.smooth.callMethod, linkTarget = window.smooth.linkTarget;
  function updateOpen(input) {
    var open = input.parentNode.querySelector("[data-link-open]"), doctype = linkTarget(input);
    if (!open) return;
    open.hidden = !(input.value && doctype);
    if (open.hidden) open.removeAttribute("href");  // no value, no page to open
    else open.href = doctype === "DocType" ? "/app/" + slugOf(input.value)  // a DocType's page is its list
      : "/app/" + slugOf(doctype) + "/" + encodeURIComponent(input.value);
  }
  function fetchFrom(input) {
    var fieldname = input.getAttribute("data-link-field");
    if (!fieldname || input.closest("tr[data-row]")) return;
    call("smooth.desk.search.fetch_link_values", { doctype: form.getAttribute("data-doctype"), fieldname: fieldname, value: input.value })
      .then(function (body) {
        var values = body.message || {};
        Object.keys(values).forEach(function (name) {
          var value = values[name] === null || values[name] === undefined ? "" : String(values[name]);
          var target = form.querySelector("[name='" + name + "']:not([type=hidden])");
          if (target && target.value && types[name] && types[name].fetch_if_empty) return;  // keeps a typed value
          if (target) target.value = value;
          var shown = form.querySelector("[data-ro='" + name + "']");
          if (shown) shown.textContent = value;
          var emptyBox = shown && shown.closest(".ro-empty");
          if (emptyBox && value) emptyBox.classList.remove("ro-empty");
          stored[name] = value === "" ? null : value;
        });
        applyConditions();
      }).catch(function () {});
  }
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.hasAttribute && (input.hasAttribute("data-link") || input.hasAttribute("data-dynamic-link"))) {
      updateOpen(input);
      var cell = input.closest(".form-field, td"), title = cell && cell.querySelector("[data-link-title]");
      if (title) title.hidden = true;  // the title of the value no longer there
    }
  });
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-link")) fetchFrom(input);
  });

  // -- the grid ---------------------------------------------------------------------------------------
  function renumber(tbody) {
    var table = tbody.closest("table[data-grid]").getAttribute("data-grid");
    var pattern = new RegExp("^(f-)?" + table + "-(\\d+|__IDX__)-");
    Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-row]"), function (row, i) {
      each("[name], [id], [for], [list]", row, function (el) {
        ["name", "id", "for", "list"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) el.setAttribute(attr, value.replace(pattern, "$1" + table + "-" + i + "-"));
        });
      });
      var number = row.querySelector("[data-row-number]");
      if (number) number.textContent = String(i + 1);
    });
  }
  each("tr[data-blank-row]", form, function (row) { var body = row.parentNode; row.remove(); renumber(body); });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-grid-add")) {
      var name = button.getAttribute("data-grid-add");
      var template = form.querySelector("template[data-grid-template='" + name + "']");
      var tbody = form.querySelector("table[data-grid='" + name + "'] tbody");
      tbody.appendChild(template.content.cloneNode(true));
      each("[data-js-only]", tbody.lastElementChild, function (el) { el.hidden = false; });
      each("[data-no-js]", tbody.lastElementChild, function (el) { el.hidden = true; });
      renumber(tbody);
      markDirty();
      var first = tbody.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
      applyConditions();
      return;
    }
    var row = button.closest("tr[data-row]");
    if (!row) return;
    var body = row.parentNode;
    if (button.hasAttribute("data-grid-remove")) {
      var focusAfter = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      var add = body.closest(".form-field").querySelector("[data-grid-add]");
      (focusAfter ? focusAfter.querySelector("[data-grid-remove]") : add).focus();
    } else if (button.hasAttribute("data-grid-up") && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
      button.focus();
    } else if (button.hasAttribute("data-grid-down") && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
      button.focus();
    } else {
      return;
    }
    renumber(body);
    markDirty();
    applyConditions();
  });

  // -- rich text: the sanitised preview becomes the editor; the textarea still carries the value -------
  var RICH_TOOLS = [["bold", __("Bold"), "B"], ["italic", __("Italic"), "I"], ["insertUnorderedList", __("Bulleted list"), "•"],
                    ["insertOrderedList", __("Numbered list"), "1."], ["createLink", __("Link"), "🔗"]];
  each("textarea[data-rich]", form, function (source) {
    var editor = source.parentNode.querySelector("[data-rich-preview]");
    var label = form.querySelector("label[for='" + source.id + "']");
    if (!editor) return;
    var toolbar = document.createElement("div");
    toolbar.className = "rich-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", __("{0} formatting", [label ? label.textContent.trim() : __("Text")]));
    RICH_TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-small";
      button.textContent = tool[2];
      button.setAttribute("aria-label", tool[1]);
      button.title = tool[1];
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        editor.focus();
        if (tool[0] === "createLink") {
          var url = window.prompt(__("Link address (https://...)"));
          if (url && /^(https?:|mailto:)/i.test(url)) document.execCommand("createLink", false, url);
        } else {
          document.execCommand(tool[0], false, null);
        }
        sync();
      });
      toolbar.appendChild(button);
    });
    function sync() {
      source.value = editor.innerHTML;
      markDirty();
    }
    editor.hidden = false;
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", label ? label.textContent.trim() : __("Text"));
    editor.classList.add("rich-editor");
    editor.addEventListener("input", sync);
    source.hidden = true;
    source.parentNode.insertBefore(toolbar, editor);
  });

  // -- unsaved changes --------------------------------------------------------------------------------
  var dirty = form.getAttribute("data-dirty") === "1", leaving = false;
  function markDirty() { dirty = true; }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", function () { markDirty(); applyConditions(); });
  form.addEventListener("input", applyConditions);
  form.addEventListener("submit", function () { leaving = true; });
  each("[data-reload]", document, function (link) { link.addEventListener("click", function () { leaving = true; }); });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) { event.preventDefault(); event.returnValue = ""; }
  });

  applyConditions();
})();

// The SCORM run-time API inside the package's sandboxed frame (smooth_lms/scorm/serving.py writes it, with
// window.SmoothScorm = {model, state, session}, into every HTML page of the package). The frame has an opaque
// origin, so the package cannot reach the player's window.API: this object answers its calls at once from the
// attempt's values and the data model table (datamodel.py), and hands what it set to the player page by
// postMessage on Commit and Finish/Terminate (and, after each SetValue, what is not committed yet, which the
// player stores if the learner leaves the page first); the player stores it, and the server checks it again.
(function () {
  "use strict";
  var cfg = window.SmoothScorm;
  if (!cfg || window.API || window.API_1484_11) { return; }
  var model = cfg.model, state = cfg.state, v12 = model.version === "1.2";
  var changes = {}, phase = 0, lastError = 0, diagnostic = "";  // phase: 0 not started, 1 running, 2 ended
  var INDEX = /\.(\d+)(?=\.|$)/g;

  function shape(name) { return name.replace(INDEX, ".n"); }
  function count(array) {
    var size = 0, prefix = array + ".";
    Object.keys(state).forEach(function (key) {
      if (key.indexOf(prefix) !== 0) { return; }
      var found = /^(\d+)\./.exec(key.slice(prefix.length));
      if (found) { size = Math.max(size, +found[1] + 1); }
    });
    return size;
  }
  function fail(code, why) { lastError = code; diagnostic = why || ""; return code; }
  function code(problem) { return model.codes[problem]; }
  function known(parent) {
    var s = shape(parent);
    return Object.prototype.hasOwnProperty.call(model.children, s) || model.arrays.indexOf(s) >= 0;
  }
  function indexProblem(name) {
    var parts = name.split(".");
    for (var i = 0; i < parts.length; i++) {
      if (!/^\d+$/.test(parts[i])) { continue; }
      var array = parts.slice(0, i).join("."), index = +parts[i], size = count(array);
      if (index > size) { return "index"; }
      var hasIds = ["cmi.objectives", "cmi.interactions"].indexOf(shape(array)) >= 0;
      if (index === size && hasIds && parts.slice(i + 1).join(".") !== "id") { return "dependency"; }
    }
    return null;
  }
  function valueProblem(kind, value) {
    var pattern = kind[1], length = kind[2], low = kind[3], high = kind[4];
    if (length !== null && value.length > length) { return "type"; }
    if (!new RegExp("^(?:" + pattern + ")$").test(value)) { return "type"; }
    if ((low !== null || high !== null) && value !== "") {
      var number = parseFloat(value);
      if ((low !== null && number < low) || (high !== null && number > high)) { return "range"; }
    }
    return null;
  }
  function post(kind) {
    var message = { smoothScorm: kind, session: cfg.session, changes: changes };
    try { window.top.postMessage(message, window.location.origin); } catch (e) { /* the player is gone */ }
  }
  function send(kind) { post(kind); changes = {}; }
  function started(before, after) {
    if (phase === 0) { fail(before, "Initialize first"); return false; }
    if (phase === 2) { fail(after, "The session has ended"); return false; }
    return true;
  }

  function initialize(arg) {
    lastError = 0;
    if (arg !== "" && arg !== undefined) { fail(201, "The argument must be an empty string"); return "false"; }
    if (phase === 1) { fail(v12 ? 101 : 103); return "false"; }
    if (phase === 2) { fail(v12 ? 101 : 104); return "false"; }
    phase = 1;
    return "true";
  }
  function finish(arg) {
    lastError = 0;
    if (!started(v12 ? 301 : 112, v12 ? 101 : 113)) { return "false"; }
    if (arg !== "" && arg !== undefined) { fail(201, "The argument must be an empty string"); return "false"; }
    send("finish");
    phase = 2;
    return "true";
  }
  function commit(arg) {
    lastError = 0;
    if (!started(v12 ? 301 : 142, v12 ? 101 : 143)) { return "false"; }
    if (arg !== "" && arg !== undefined) { fail(201, "The argument must be an empty string"); return "false"; }
    send("commit");
    return "true";
  }
  function getValue(name) {
    lastError = 0;
    if (!started(v12 ? 301 : 122, v12 ? 101 : 123)) { return ""; }
    name = String(name === undefined ? "" : name);
    if (!name) { fail(v12 ? 201 : 301, "No element named"); return ""; }
    var dot = name.lastIndexOf("."), parent = name.slice(0, dot), keyword = name.slice(dot + 1);
    if (keyword === "_children") {
      var children = model.children[shape(parent)];
      if (children !== undefined) { return children; }
      fail(model.elements[shape(parent)] || known(parent) ? code("no_children") : code("undefined"), name);
      return "";
    }
    if (keyword === "_count") {
      if (model.arrays.indexOf(shape(parent)) >= 0) { return String(count(parent)); }
      fail(model.elements[shape(parent)] || known(parent) ? code("not_array") : code("undefined"), name);
      return "";
    }
    var element = model.elements[shape(name)];
    if (!element) { fail(code("undefined"), name); return ""; }
    if (element[0] === "wo") { fail(code("write_only"), name); return ""; }
    if (Object.prototype.hasOwnProperty.call(state, name)) { return state[name]; }
    if (shape(name) !== name && indexProblem(name)) { fail(v12 ? 201 : 301, "No such item"); return ""; }
    fail(code("not_initialized"), name);
    return "";
  }
  function setValue(name, value) {
    lastError = 0;
    if (!started(v12 ? 301 : 132, v12 ? 101 : 133)) { return "false"; }
    name = String(name === undefined ? "" : name);
    value = String(value === undefined || value === null ? "" : value);
    if (!name) { fail(v12 ? 201 : 351, "No element named"); return "false"; }
    if (/\.(_children|_count|_version)$/.test(name)) {
      var parent = name.slice(0, name.lastIndexOf("."));
      fail(name === "cmi._version" || known(parent) ? code("keyword") : code("undefined"), name);
      return "false";
    }
    var element = model.elements[shape(name)];
    if (!element) { fail(code("undefined"), name); return "false"; }
    if (element[0] === "ro") { fail(code("read_only"), name); return "false"; }
    var problem = (shape(name) !== name && indexProblem(name)) || valueProblem(element, value);
    if (problem) { fail(code(problem), name + ": " + value.slice(0, 50)); return "false"; }
    if (v12 && name === "cmi.comments") {
      state[name] = ((state[name] || "") + value).slice(-4096);
      changes[name] = (changes[name] || "") + value;
    } else {
      state[name] = value;
      changes[name] = value;
    }
    post("pending");  // what is not committed yet: the player stores it if the learner leaves first
    return "true";
  }
  function lastErrorCode() { return String(lastError); }
  function errorString(c) { return model.messages[String(c)] || ""; }
  function diagnosticOf(c) { return diagnostic || errorString(c === "" || c === undefined ? lastError : c); }

  window.addEventListener("pagehide", function () {
    if (phase === 1 && Object.keys(changes).length) { send("commit"); }
  });
  if (v12) {
    window.API = { LMSInitialize: initialize, LMSFinish: finish, LMSGetValue: getValue, LMSSetValue: setValue,
                   LMSCommit: commit, LMSGetLastError: lastErrorCode, LMSGetErrorString: errorString,
                   LMSGetDiagnostic: diagnosticOf };
  } else {
    window.API_1484_11 = { Initialize: initialize, Terminate: finish, GetValue: getValue, SetValue: setValue,
                           Commit: commit, GetLastError: lastErrorCode, GetErrorString: errorString,
                           GetDiagnostic: diagnosticOf, version: "1.0" };
  }
}());

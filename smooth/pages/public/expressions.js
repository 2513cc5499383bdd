// The browser's twin of smooth/expressions.py: the same grammar of field conditions
// (depends_on, mandatory_depends_on, read_only_depends_on), parsed, never eval'd.
// window.SmoothExpressions.evaluate(condition, doc) -> boolean; it throws Error on a bad condition, its message
// the server's words for it, in the reader's language through __() (the form page writes the dictionary).
(function () {
  "use strict";
  var MAX_LENGTH = 500, MAX_DEPTH = 20;
  var UNDEFINED = { toString: function () { return "undefined"; } };
  var TOKEN = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!()[\].,]))/y;
  var ESCAPES = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
  var LITERALS = { "true": true, "false": false, "null": null, "undefined": UNDEFINED };
  var FUNCTIONS = { in_list: 1, cint: 1 };

  function format(text, args) {
    return (args || []).reduce(function (out, arg, i) { return out.split("{" + i + "}").join(String(arg)); }, text);
  }
  function fail(text, args) { throw new Error(window.__ ? window.__(text, args) : format(text, args)); }
  function shown(value) {  // as Python's repr() shows it in the server's message
    return typeof value === "string" ? "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'" : String(value);
  }

  function tokens(text) {
    var out = [], pos = 0;
    text = text.replace(/\s+$/, "");
    while (pos < text.length) {
      TOKEN.lastIndex = pos;
      var m = TOKEN.exec(text);
      if (!m || TOKEN.lastIndex === pos) fail("Cannot read the condition {0} at position {1}", [shown(text), pos]);
      var kind = m[1] !== undefined ? "number" : m[2] !== undefined ? "string" : m[3] !== undefined ? "name" : "op";
      out.push([kind, m[1] || m[2] || m[3] || m[4]]);
      pos = TOKEN.lastIndex;
    }
    return out;
  }

  function unquote(token) {
    return token.slice(1, -1).replace(/\\(.)/g, function (_, c) { return ESCAPES[c] !== undefined ? ESCAPES[c] : c; });
  }

  function Parser(text) { this.text = text; this.tokens = tokens(text); this.pos = 0; this.depth = 0; }
  Parser.prototype.peek = function () { return this.pos < this.tokens.length ? this.tokens[this.pos][1] : null; };
  Parser.prototype.take = function (expected) {
    if (this.pos >= this.tokens.length) fail("The condition {0} ends too early", [shown(this.text)]);
    var t = this.tokens[this.pos];
    if (expected !== undefined && t[1] !== expected) fail("Expected {0} in the condition {1}, found {2}", [shown(expected), shown(this.text), shown(t[1])]);
    this.pos += 1;
    return t;
  };
  Parser.prototype.parse = function () {
    var node = this.or_();
    if (this.pos !== this.tokens.length) fail("Unexpected {0} in the condition {1}", [shown(this.tokens[this.pos][1]), shown(this.text)]);
    return node;
  };
  Parser.prototype.nested = function (fn) {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) fail("The condition {0}... is nested too deeply", [shown(this.text.slice(0, 60))]);
    try { return fn.call(this); } finally { this.depth -= 1; }
  };
  Parser.prototype.binary = function (ops, next, tag) {
    var node = next.call(this);
    while (ops.indexOf(this.peek()) >= 0) {
      var op = this.take()[1];
      node = tag ? [tag, node, next.call(this)] : ["bin", op, node, next.call(this)];
    }
    return node;
  };
  Parser.prototype.or_ = function () { return this.binary(["||"], this.and_, "or"); };
  Parser.prototype.and_ = function () { return this.binary(["&&"], this.equality, "and"); };
  Parser.prototype.equality = function () { return this.binary(["==", "!=", "===", "!=="], this.comparison); };
  Parser.prototype.comparison = function () { return this.binary(["<", "<=", ">", ">="], this.additive); };
  Parser.prototype.additive = function () { return this.binary(["+", "-"], this.term); };
  Parser.prototype.term = function () { return this.binary(["*", "/", "%"], this.unary); };
  Parser.prototype.unary = function () {
    if (this.peek() === "!") { this.take(); return this.nested(function () { return ["not", this.unary()]; }); }
    if (this.peek() === "-") { this.take(); return this.nested(function () { return ["neg", this.unary()]; }); }
    return this.postfix();
  };
  Parser.prototype.postfix = function () {
    var node = this.primary();
    while (this.peek() === ".") {
      this.take();
      var t = this.take();
      if (t[0] === "name" && (t[1] === "includes" || t[1] === "indexOf")) {
        this.take("(");
        var args = this.nested(function () { return this.items(")"); });
        if (args.length !== 1) fail(".{0} takes one value in the condition {1}", [t[1], shown(this.text)]);
        node = [t[1], node, args[0]];
      } else if (t[0] === "name" && t[1] === "length") {
        node = ["length", node];
      } else fail("'.{0}' is not allowed in the condition {1}", [t[1], shown(this.text)]);
    }
    return node;
  };
  Parser.prototype.primary = function () {
    var t = this.take(), kind = t[0], text = t[1];
    if (kind === "number") return ["lit", Number(text)];
    if (kind === "string") return ["lit", unquote(text)];
    if (text === "(") { var inner = this.nested(this.or_); this.take(")"); return inner; }
    if (text === "[") return ["list", this.nested(function () { return this.items("]"); })];
    if (kind === "name") {
      if (Object.prototype.hasOwnProperty.call(LITERALS, text)) return ["lit", LITERALS[text]];
      if (text === "doc") return this.member();
      if (FUNCTIONS[text]) { this.take("("); return ["call", text, this.nested(function () { return this.items(")"); })]; }
    }
    fail("{0} is not allowed in the condition {1}", [shown(text), shown(this.text)]);
  };
  Parser.prototype.member = function () {
    var t;
    if (this.peek() === ".") {
      this.take(); t = this.take();
      if (t[0] !== "name") fail("Expected a field name after 'doc.' in the condition {0}", [shown(this.text)]);
      return ["field", t[1]];
    }
    if (this.peek() === "[") {
      this.take(); t = this.take();
      if (t[0] !== "string") fail("Expected a quoted field name after 'doc[' in the condition {0}", [shown(this.text)]);
      this.take("]");
      return ["field", unquote(t[1])];
    }
    fail("'doc' must be followed by a field in the condition {0}", [shown(this.text)]);
  };
  Parser.prototype.items = function (close) {
    var items = [];
    while (this.peek() !== close) {
      items.push(this.or_());
      if (this.peek() !== close) this.take(",");
    }
    this.take(close);
    return items;
  };

  function parse(condition) {
    if (typeof condition !== "string") fail("A condition must be text");
    if (condition.length > MAX_LENGTH) fail("A condition may be at most {0} characters long", [MAX_LENGTH]);
    var text = condition.trim();
    if (text.indexOf("eval:") === 0) return new Parser(text.slice(5).replace(/\s+$/, "").replace(/;$/, "")).parse();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return ["field", text];
    fail("The condition {0} is neither a field name nor eval:<expression>", [shown(condition)]);
  }

  function isNumber(v) { return typeof v === "number"; }
  function truthy(v) {
    if (v === null || v === UNDEFINED || v === false || v === undefined) return false;
    if (isNumber(v)) return v !== 0 && !isNaN(v);
    if (typeof v === "string") return v !== "";
    return true;
  }
  function number(v) {
    if (v === true) return 1;
    if (v === false) return 0;
    if (isNumber(v)) return v;
    if (typeof v === "string") {
      var s = v.trim();
      if (!s) return 0;
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : null;
    }
    if (v === null) return 0;
    return null;
  }
  function looseEqual(a, b) {
    var nullish = function (v) { return v === null || v === UNDEFINED || v === undefined; };
    if (nullish(a) || nullish(b)) return nullish(a) && nullish(b);
    if (typeof a === "boolean" || typeof b === "boolean" || isNumber(a) || isNumber(b)) {
      var ok = function (v) { return typeof v === "string" || isNumber(v) || typeof v === "boolean"; };
      if (ok(a) && ok(b)) { var x = number(a), y = number(b); return x !== null && y !== null && x === y; }
      return false;
    }
    if (typeof a === "string" && typeof b === "string") return a === b;
    return a === b;
  }
  function strictEqual(a, b) {
    if (isNumber(a) && isNumber(b)) return a === b;
    if (typeof a !== typeof b) return false;
    return a === b;
  }
  function compare(op, a, b) {
    var l, r;
    if (typeof a === "string" && typeof b === "string") { l = a; r = b; }
    else { l = number(a); r = number(b); if (l === null || r === null) return false; }
    return op === "<" ? l < r : op === "<=" ? l <= r : op === ">" ? l > r : l >= r;
  }
  function arith(op, a, b) {
    if (op === "+" && (typeof a === "string" || typeof b === "string")) fail("Joining text with + is not supported in conditions");
    var x = number(a), y = number(b);
    if (x === null || y === null) fail("Cannot compute {0} {1} {2} in a condition", [shown(a), op, shown(b)]);
    if ((op === "/" || op === "%") && y === 0) fail("Division by zero in a condition");
    if (op === "+") return x + y;
    if (op === "-") return x - y;
    if (op === "*") return x * y;
    if (op === "/") return x / y;
    return x - y * Math.trunc(x / y);
  }
  function value(doc, name) {
    if (!Object.prototype.hasOwnProperty.call(doc, name)) return UNDEFINED;
    var v = doc[name];
    if (v === undefined) return UNDEFINED;
    if (v === true) return 1;
    if (v === false) return 0;
    if (Array.isArray(v)) return v.length;
    return v;
  }
  function jsText(v) { return v === null ? "null" : String(v); }
  function indexOf(whole, part) {  // -1 where the browser's own .indexOf would throw
    if (Array.isArray(whole)) {
      for (var i = 0; i < whole.length; i += 1) if (strictEqual(whole[i], part)) return i;
      return -1;
    }
    if (typeof whole === "string") return whole.indexOf(typeof part === "string" ? part : jsText(part));
    return -1;
  }
  function run(node, doc) {
    var kind = node[0];
    if (kind === "lit") return node[1];
    if (kind === "field") return value(doc, node[1]);
    if (kind === "list") return node[1].map(function (n) { return run(n, doc); });
    if (kind === "not") return !truthy(run(node[1], doc));
    if (kind === "neg") return arith("-", 0, run(node[1], doc));
    if (kind === "and") { var l = run(node[1], doc); return truthy(l) ? run(node[2], doc) : l; }
    if (kind === "or") { var o = run(node[1], doc); return truthy(o) ? o : run(node[2], doc); }
    if (kind === "includes") return indexOf(run(node[1], doc), run(node[2], doc)) >= 0;
    if (kind === "indexOf") return indexOf(run(node[1], doc), run(node[2], doc));
    if (kind === "length") {
      var raw = node[1][0] === "field" && Object.prototype.hasOwnProperty.call(doc, node[1][1]) ? doc[node[1][1]] : null;
      var whole = Array.isArray(raw) ? raw : run(node[1], doc);
      return typeof whole === "string" || Array.isArray(whole) ? whole.length : UNDEFINED;
    }
    if (kind === "call") {
      var args = node[2].map(function (n) { return run(n, doc); });
      if (node[1] === "cint") { var c = number(args.length ? args[0] : null); return c === null ? 0 : Math.trunc(c); }
      if (args.length !== 2 || !Array.isArray(args[0])) fail("in_list takes a [list] and a value");
      return args[0].some(function (item) { return strictEqual(item, args[1]); });
    }
    var op = node[1], a = run(node[2], doc), b = run(node[3], doc);
    if (op === "==") return looseEqual(a, b);
    if (op === "!=") return !looseEqual(a, b);
    if (op === "===") return strictEqual(a, b);
    if (op === "!==") return !strictEqual(a, b);
    if (op === "<" || op === "<=" || op === ">" || op === ">=") return compare(op, a, b);
    return arith(op, a, b);
  }

  function evaluate(condition, doc) { return truthy(run(parse(condition), doc || {})); }

  window.SmoothExpressions = { evaluate: evaluate, parse: parse };
})();

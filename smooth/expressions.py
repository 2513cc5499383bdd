"""Frappe-style field conditions (`depends_on`, `mandatory_depends_on`, `read_only_depends_on`).

A condition is a plain fieldname (`status`: true when the field has a truthy value) or
`eval:` followed by a small JavaScript-like expression over `doc`:

    eval:doc.status=='Pending' && doc.slot_minutes > 3
    eval:!doc.published || in_list(['Draft', 'Review'], doc.stage)
    eval:['Draft', 'Review'].includes(doc.stage) && !doc.__islocal;

The grammar is parsed here, never handed to `eval`: literals (strings, numbers, true, false,
null, undefined, [lists]), `doc.<field>` / `doc['field']`, `! - + * / % < <= > >= == != ===
!== && ||`, parentheses, the functions `in_list(list, value)` and `cint(value)`, the methods
`.includes(value)` and `.indexOf(value)` (of a list or a text) and `.length`, and one trailing `;` (Frappe's form
accepts one, so its apps write it). `doc.__islocal` is 1 for a document not yet saved, as in
Frappe's form; callers put it in the values. Anything
else is refused with an ExpressionError, as are expressions over 500 characters or nested
deeper than 20 levels. `smooth/pages/public/expressions.js` is the browser's twin of this
module (the same grammar, values and results; a browser test runs one table through both),
so a field hidden or made mandatory in the form is hidden or mandatory on the server too.

Values follow JavaScript where it matters for conditions: empty string, 0, null and false
are falsy; `==` compares a number with a numeric string numerically and treats null and
undefined as equal; `===` also requires the same type. Dates are compared as ISO strings.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from smooth.exceptions import ValidationError
from smooth.i18n.deferred import _

MAX_LENGTH = 500
MAX_DEPTH = 20


class ExpressionError(ValidationError):
    """A condition that is not in the grammar (or too long, or too deep)."""


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!()\[\].,])
    )""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}
_FUNCTIONS = frozenset({"in_list", "cint"})
_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}

# AST nodes are tuples: ("lit", v) ("field", name) ("list", [..]) ("not", x) ("neg", x)
# ("bin", op, a, b) ("and", a, b) ("or", a, b) ("call", fname, [args])
Node = tuple[Any, ...]
_T = TypeVar("_T")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExpressionError(_("Cannot read the condition {0} at position {1}", repr(text), pos))
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError(_("The condition {0} ends too early", repr(self.text)))
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ExpressionError(_("Expected {0} in the condition {1}, found {2}", repr(expected), repr(self.text),
                                    repr(token[1])))
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.or_()
        if self.pos != len(self.tokens):
            raise ExpressionError(_("Unexpected {0} in the condition {1}", repr(self.tokens[self.pos][1]),
                                    repr(self.text)))
        return node

    def nested(self, parse: Callable[[], _T]) -> _T:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(_("The condition {0}... is nested too deeply", repr(self.text[:60])))
        try:
            return parse()
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        node = self.and_()
        while self.peek() == "||":
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.equality()
        while self.peek() == "&&":
            self.take()
            node = ("and", node, self.equality())
        return node

    def equality(self) -> Node:
        node = self.comparison()
        while self.peek() in ("==", "!=", "===", "!=="):
            op = self.take()[1]
            node = ("bin", op, node, self.comparison())
        return node

    def comparison(self) -> Node:
        node = self.additive()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            node = ("bin", op, node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()[1]
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "!":
            self.take()
            return self.nested(lambda: ("not", self.unary()))
        if self.peek() == "-":
            self.take()
            return self.nested(lambda: ("neg", self.unary()))
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek() == ".":
            self.take()
            kind, name = self.take()
            if name in ("includes", "indexOf") and kind == "name":
                self.take("(")
                args = self.nested(lambda: self.items(")"))
                if len(args) != 1:
                    raise ExpressionError(_(".{0} takes one value in the condition {1}", name, repr(self.text)))
                node = (name, node, args[0])
            elif name == "length" and kind == "name":
                node = ("length", node)
            else:
                raise ExpressionError(_("'.{0}' is not allowed in the condition {1}", name, repr(self.text)))
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ("lit", float(text) if "." in text else int(text))
        if kind == "string":
            return ("lit", _unquote(text))
        if text == "(":
            node = self.nested(self.or_)
            self.take(")")
            return node
        if text == "[":
            items = self.nested(lambda: self.items("]"))
            return ("list", items)
        if kind == "name":
            if text in _LITERALS:
                return ("lit", _LITERALS[text])
            if text == "doc":
                return self.member()
            if text in _FUNCTIONS:
                self.take("(")
                return ("call", text, self.nested(lambda: self.items(")")))
        raise ExpressionError(_("{0} is not allowed in the condition {1}", repr(text), repr(self.text)))

    def member(self) -> Node:
        if self.peek() == ".":
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise ExpressionError(_("Expected a field name after 'doc.' in the condition {0}", repr(self.text)))
            return ("field", name)
        if self.peek() == "[":
            self.take()
            kind, name = self.take()
            if kind != "string":
                raise ExpressionError(_("Expected a quoted field name after 'doc[' in the condition {0}",
                                        repr(self.text)))
            self.take("]")
            return ("field", _unquote(name))
        raise ExpressionError(_("'doc' must be followed by a field in the condition {0}", repr(self.text)))

    def items(self, close: str) -> list[Node]:
        items: list[Node] = []
        while self.peek() != close:
            items.append(self.or_())
            if self.peek() != close:
                self.take(",")
        self.take(close)
        return items


def parse(condition: str) -> Node:
    """The parsed form of a condition (a plain fieldname becomes `doc.<fieldname>`)."""
    if not isinstance(condition, str):
        raise ExpressionError(_("A condition must be text"))
    return _parse_text(condition)


@functools.lru_cache(maxsize=2048)
def _parse_text(condition: str) -> Node:
    """Kept per process: the same few conditions (a form's buttons, a workflow's transitions, depends_on) are
    evaluated on every request. The tree is shared and only read; a refused condition raises again each time."""
    if len(condition) > MAX_LENGTH:
        raise ExpressionError(_("A condition may be at most {0} characters long", MAX_LENGTH))
    text = condition.strip()
    if text.startswith("eval:"):
        return _Parser(text[5:].rstrip().removesuffix(";")).parse()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        return ("field", text)
    raise ExpressionError(_("The condition {0} is neither a field name nor eval:<expression>", repr(condition)))


def plain(value: Any) -> Any:
    """A document value as the browser sees it: dates as ISO text, decimals and booleans as numbers."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return len(value)
    return value


def truthy(value: Any) -> bool:
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, int | float):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        return float(text) if _NUMERIC.fullmatch(text) else None
    if value is None:
        return 0
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def loose_equal(a: Any, b: Any) -> bool:
    nullish = (None, UNDEFINED)
    if a in nullish or b in nullish:
        return a in nullish and b in nullish
    if isinstance(a, bool) or isinstance(b, bool) or _is_number(a) or _is_number(b):
        x, y = _number(a), _number(b)
        if isinstance(a, str | int | float) and isinstance(b, str | int | float):
            return x is not None and y is not None and x == y
        return False
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b


def strict_equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, str | bool) or a is None or a is UNDEFINED:
        return bool(a == b)
    return a is b


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        left: Any
        right: Any
        left, right = a, b
    else:
        left, right = _number(a), _number(b)
        if left is None or right is None:
            return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        raise ExpressionError(_("Joining text with + is not supported in conditions"))
    x, y = _number(a), _number(b)
    if x is None or y is None:
        raise ExpressionError(_("Cannot compute {0} {1} {2} in a condition", repr(a), op, repr(b)))
    if op in ("/", "%") and y == 0:
        raise ExpressionError(_("Division by zero in a condition"))
    result = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
              "/": lambda: x / y, "%": lambda: x - y * int(x / y)}[op]()
    return int(result) if float(result).is_integer() else result


def _cint(value: Any) -> int:
    number = _number(value)
    return 0 if number is None else int(number)


def _index_of(whole: Any, part: Any) -> int:
    """JavaScript's `.indexOf` (and `.includes`, its `>= 0`): where an item is in a list (strict
    equality) or a piece in a text; -1 on anything else (where the browser would stop the whole
    condition with a TypeError)."""
    if isinstance(whole, list):
        return next((i for i, item in enumerate(whole) if strict_equal(item, part)), -1)
    if isinstance(whole, str):
        return whole.find(part if isinstance(part, str) else _js_text(part))
    return -1


def _js_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _evaluate(node: Node, doc: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "field":
        return plain(doc.get(node[1])) if node[1] in doc else UNDEFINED
    if kind == "list":
        return [_evaluate(item, doc) for item in node[1]]
    if kind == "not":
        return not truthy(_evaluate(node[1], doc))
    if kind == "neg":
        return _arith("-", 0, _evaluate(node[1], doc))
    if kind == "and":
        left = _evaluate(node[1], doc)
        return _evaluate(node[2], doc) if truthy(left) else left
    if kind == "or":
        left = _evaluate(node[1], doc)
        return left if truthy(left) else _evaluate(node[2], doc)
    if kind == "includes":
        return _index_of(_evaluate(node[1], doc), _evaluate(node[2], doc)) >= 0
    if kind == "indexOf":
        return _index_of(_evaluate(node[1], doc), _evaluate(node[2], doc))
    if kind == "length":
        target = node[1]
        raw = doc.get(target[1]) if target[0] == "field" else None
        whole = list(raw) if isinstance(raw, list | tuple) else _evaluate(target, doc)
        return len(whole) if isinstance(whole, str | list) else UNDEFINED
    if kind == "call":
        args = [_evaluate(a, doc) for a in node[2]]
        if node[1] == "cint":
            return _cint(args[0] if args else None)
        if len(args) != 2 or not isinstance(args[0], list):
            raise ExpressionError(_("in_list takes a [list] and a value"))
        return any(strict_equal(item, args[1]) for item in args[0])
    op, a, b = node[1], _evaluate(node[2], doc), _evaluate(node[3], doc)
    if op == "==":
        return loose_equal(a, b)
    if op == "!=":
        return not loose_equal(a, b)
    if op == "===":
        return strict_equal(a, b)
    if op == "!==":
        return not strict_equal(a, b)
    if op in ("<", "<=", ">", ">="):
        return _compare(op, a, b)
    return _arith(op, a, b)


NEW_DOCUMENT = "__islocal"  # set in the values of a document not yet saved, as Frappe's form sets it


def values_of(values: dict[str, Any], is_new: bool) -> dict[str, Any]:
    """`values` as a condition sees them: with `__islocal` set to 1 for a document not yet saved."""
    if is_new:
        values[NEW_DOCUMENT] = 1
    return values


def evaluate(condition: str, doc: Mapping[str, Any]) -> bool:
    """Whether `condition` holds for the values of `doc` (a mapping of fieldname to value)."""
    return truthy(_evaluate(parse(condition), doc))


def holds(condition: str | None, doc: Mapping[str, Any], default: bool) -> bool:
    """`evaluate`, with `default` for no condition or one outside the grammar (`bench check` warns
    about those, meta.W005): a file Frappe loads is never refused for its conditions."""
    if not condition:
        return default
    try:
        return evaluate(condition, doc)
    except ExpressionError:
        return default


def check(condition: str) -> None:
    """Raise ExpressionError when `condition` is not in the grammar (for `bench check` and tests)."""
    parse(condition)

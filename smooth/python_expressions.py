"""Python-style conditions (Workflow Transition `condition`), evaluated without `eval`.

Frappe writes workflow conditions in Python: `doc.evaluator == user or "Moderator" in roles`,
`get_datetime(doc.start_utc) <= now_datetime()`. The text is parsed with `ast` and walked
here over a whitelist, so nothing the grammar does not name can run: literals, `doc.<field>`
/ `doc["field"]` / `doc.get("field")`, the names `user` and `roles`, the date helpers below,
`and or not`, comparisons (`in`, `is` too), arithmetic and `x if c else y`. Frappe's own
spelling works too, through a restricted `frappe` namespace that is a fixed list of dotted names,
never an object: `frappe.session.user`, `frappe.utils.<helper>()` (FRAPPE_UTILS) and
`frappe.db.get_value()` / `frappe.db.get_list()` (the caller supplies those two, read-only). No
attribute of any value is ever looked up, so nothing reaches Python internals. Refused, with the
position of the problem: any other name or call, attributes of anything but `doc`, fields
starting with `_`, `**` arguments, comprehensions and lambdas (so no loops), over 500 characters,
nesting deeper than 20 levels, and arithmetic that would build a huge number (`9 ** 9 ** 9`) or
repeat text.

This is the Python twin of `smooth.expressions` (the desk's `eval:` grammar, JavaScript-like)
and shares its ExpressionError, limits and the idea that a condition is data, not code.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from smooth.dates import add_months, date_diff
from smooth.expressions import MAX_DEPTH, MAX_LENGTH, ExpressionError
from smooth.i18n.deferred import _

MAX_NUMBER = 10**18
MAX_EXPONENT = 64

_BOOL_OPS = (ast.And, ast.Or)
_UNARY_OPS = (ast.Not, ast.USub, ast.UAdd)
_BIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CMP_OPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot)
_CONSTANTS = (str, int, float, bool, type(None))


def _get_datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value).strip())


def _getdate(value: Any = None) -> dt.date | None:
    if value is None:
        return dt.date.today()
    stamp = _get_datetime(value)
    return stamp.date() if stamp else None


def _add_days(value: Any, days: int) -> Any:
    base = _get_datetime(value)
    if base is None:
        raise ExpressionError(_("add_days needs a date"))
    shifted = base + dt.timedelta(days=int(days))
    return shifted.date() if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
        or (isinstance(value, str) and len(value.strip()) == 10) else shifted


def combine_datetime(date: Any, time: Any = None) -> dt.datetime | None:
    """A date and a time of day as one datetime (Frappe's utils.combine_datetime)."""
    if not date:
        return None
    day = date if isinstance(date, dt.date) and not isinstance(date, dt.datetime) else None
    if day is None:
        day = (date if isinstance(date, dt.datetime) else dt.datetime.fromisoformat(str(date).strip())).date()
    if isinstance(time, dt.timedelta):
        return dt.datetime.combine(day, dt.time()) + time
    if isinstance(time, str) and time.strip():
        time = dt.time.fromisoformat(time.strip())
    return dt.datetime.combine(day, time if isinstance(time, dt.time) else dt.time())


def _cint(value: Any) -> int:
    try:
        return int(float(value or 0))
    except (TypeError, ValueError):
        return 0


def _flt(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def default_functions(now: Callable[[], dt.datetime]) -> dict[str, Callable[..., Any]]:
    """The helpers a condition may call; `now` is the site clock (naive, system zone)."""
    return {
        "now_datetime": now,
        "today": lambda: now().date(),
        "get_datetime": _get_datetime,
        "getdate": lambda value=None: now().date() if value is None else _getdate(value),
        "add_days": _add_days,
        "combine_datetime": combine_datetime,
        "cint": _cint,
        "flt": _flt,
        "len": len,
    }


def _add_to_date(value: Any, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, hours: int = 0,
                 minutes: int = 0, seconds: int = 0, as_string: bool = False, as_datetime: bool = False) -> Any:
    base = _get_datetime(value)
    if base is None:
        raise ExpressionError(_("add_to_date needs a date"))
    moved = dt.datetime.combine(add_months(base, int(years) * 12 + int(months)), base.time())
    moved += dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    timed = as_datetime or isinstance(value, dt.datetime) or (isinstance(value, str) and len(value.strip()) > 10) \
        or bool(hours or minutes or seconds)
    result: Any = moved if timed else moved.date()
    return (result.isoformat(sep=" ") if timed else result.isoformat()) if as_string else result


def frappe_utils(now: Callable[[], dt.datetime]) -> dict[str, Callable[..., Any]]:
    """`frappe.utils.<name>` as Frappe returns them (nowdate/today/now as text, the rest as values)."""
    return {
        "now_datetime": now,
        "now": lambda: now().isoformat(sep=" "),
        "nowdate": lambda: now().date().isoformat(),
        "today": lambda: now().date().isoformat(),
        "getdate": lambda value=None: now().date() if value in (None, "") else _getdate(value),
        "get_datetime": lambda value=None: now() if value in (None, "") else _get_datetime(value),
        "add_days": _add_days,
        "add_months": lambda value, months: _add_to_date(value, months=months),
        "add_to_date": _add_to_date,
        "date_diff": date_diff,
        "cint": _cint,
        "flt": _flt,
        "cstr": lambda value=None: "" if value is None else str(value),
    }


FUNCTION_NAMES = frozenset(default_functions(dt.datetime.now))
FRAPPE_UTILS = frozenset(frappe_utils(dt.datetime.now))
FRAPPE_DB = frozenset({"get_value", "get_list"})
FRAPPE_CALLS = frozenset({f"frappe.utils.{n}" for n in FRAPPE_UTILS} | {f"frappe.db.{n}" for n in FRAPPE_DB})
FRAPPE_VALUES = frozenset({"frappe.session.user"})
DOC_GET = "doc.get"


def frappe_functions(now: Callable[[], dt.datetime]) -> dict[str, Callable[..., Any]]:
    """The `frappe.utils.*` part of the namespace by its dotted names (the caller adds `frappe.db.*`)."""
    return {f"frappe.utils.{name}": fn for name, fn in frappe_utils(now).items()}


def _dotted(node: ast.AST) -> str | None:
    """`frappe.utils.nowdate` for a chain of attributes on a name; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
VARIABLE_NAMES = frozenset({"doc", "user", "roles"})
_LITERAL_NAMES = {"True": True, "False": False, "None": None, "true": True, "false": False}


def _at(node: ast.AST) -> int:
    """The position a message names ("... at position 3"), counted from 1."""
    return getattr(node, "col_offset", 0) + 1


def _check(node: ast.AST, depth: int, text: str) -> None:
    if depth > MAX_DEPTH:
        raise ExpressionError(_("The condition is nested too deeply at position {0}", _at(node)))
    if isinstance(node, ast.Expression):
        _check(node.body, depth + 1, text)
        return
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, _CONSTANTS):
            raise ExpressionError(_("{0} is not allowed in a condition at position {1}", repr(node.value), _at(node)))
        return
    if isinstance(node, ast.Name):
        if node.id not in VARIABLE_NAMES and node.id not in _LITERAL_NAMES:
            raise ExpressionError(_("{0} is not allowed in a condition at position {1}: use doc, user, roles or one "
                                    "of {2}()", repr(node.id), _at(node), ", ".join(sorted(FUNCTION_NAMES))))
        return
    if isinstance(node, ast.Attribute):
        dotted = _dotted(node) or ""
        if dotted.startswith("frappe."):
            if dotted not in FRAPPE_VALUES:
                raise ExpressionError(_("{0} is not available in a condition at position {1}: use {2} or call one "
                                        "of frappe.utils.{3}() or frappe.db.get_value/get_list()", dotted, _at(node),
                                        ", ".join(sorted(FRAPPE_VALUES)),
                                        "{" + ", ".join(sorted(FRAPPE_UTILS)) + "}"))
            return
        if not (isinstance(node.value, ast.Name) and node.value.id == "doc"):
            raise ExpressionError(_("Only fields of doc may be read with '.' in a condition at position {0}",
                                    _at(node)))
        if node.attr.startswith("_"):
            raise ExpressionError(_("{0} is private and cannot be read in a condition at position {1}",
                                    repr(node.attr), _at(node)))
        return
    if isinstance(node, ast.Subscript):
        key = node.slice
        if not (isinstance(node.value, ast.Name) and node.value.id == "doc"
                and isinstance(key, ast.Constant) and isinstance(key.value, str)):
            raise ExpressionError(_("Only doc['field'] may be indexed in a condition at position {0}", _at(node)))
        if key.value.startswith("_"):
            raise ExpressionError(_("{0} is private and cannot be read in a condition at position {1}",
                                    repr(key.value), _at(node)))
        return
    if isinstance(node, ast.Call):
        name = _callee(node)
        if name is None:
            raise ExpressionError(_("Only {0}(), doc.get() and frappe.utils / frappe.db helpers may be called in a "
                                    "condition at position {1}", ", ".join(sorted(FUNCTION_NAMES)), _at(node)))
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg.startswith("_"):
                raise ExpressionError(_("**arguments are not allowed in a condition at position {0}",
                                        _at(keyword.value)))
            _check(keyword.value, depth + 1, text)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ExpressionError(_("*arguments are not allowed in a condition at position {0}", _at(arg)))
            _check(arg, depth + 1, text)
        return
    children: list[ast.AST]
    if isinstance(node, ast.BoolOp) and isinstance(node.op, _BOOL_OPS):
        children = list(node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY_OPS):
        children = [node.operand]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _BIN_OPS):
        if isinstance(node.op, ast.Pow) and not (isinstance(node.right, ast.Constant)
                                                 and isinstance(node.right.value, int | float)
                                                 and abs(node.right.value) <= MAX_EXPONENT):
            raise ExpressionError(_("An exponent must be a number up to {0} at position {1}", MAX_EXPONENT,
                                    _at(node)))
        children = [node.left, node.right]
    elif isinstance(node, ast.Compare) and all(isinstance(op, _CMP_OPS) for op in node.ops):
        children = [node.left, *node.comparators]
    elif isinstance(node, ast.IfExp):
        children = [node.test, node.body, node.orelse]
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        children = list(node.elts)
    else:
        raise ExpressionError(_("{0} is not allowed in a condition at position {1}", type(node).__name__,
                                _at(node)))
    for child in children:
        _check(child, depth + 1, text)


def _callee(node: ast.Call) -> str | None:
    """The allowed name a call goes to, or None."""
    if isinstance(node.func, ast.Name):
        return node.func.id if node.func.id in FUNCTION_NAMES else None
    dotted = _dotted(node.func)
    first = node.args[0] if node.args else None
    if dotted == DOC_GET and not node.keywords and 1 <= len(node.args) <= 2 and isinstance(first, ast.Constant) \
            and isinstance(first.value, str) and not first.value.startswith("_"):
        return dotted
    return dotted if dotted in FRAPPE_CALLS else None


def parse(condition: str) -> ast.Expression:
    """The checked syntax tree of a condition, or ExpressionError naming where it goes wrong."""
    if not isinstance(condition, str):
        raise ExpressionError(_("A condition must be text"))
    return _parse(condition)


@functools.lru_cache(maxsize=256)
def _parse(condition: str) -> ast.Expression:
    """Parsed once per text: a workflow's conditions are evaluated on every save (the tree is only read)."""
    if len(condition) > MAX_LENGTH:
        raise ExpressionError(_("A condition may be at most {0} characters long", MAX_LENGTH))
    text = condition.strip()
    depth = 0
    for position, char in enumerate(text):  # brackets leave no node behind, so count them (quotes aside)
        depth += (char in "([{") - (char in ")]}")
        if depth > MAX_DEPTH:
            raise ExpressionError(_("The condition is nested too deeply at position {0}", position + 1))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(_("The condition {0} is not valid Python at position {1}: {2}", repr(text),
                                exc.offset or 1, exc.msg)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(_("The condition {0} cannot be read", repr(text[:60]))) from None
    _check(tree, 0, text)
    return tree


def check(condition: str) -> None:
    """Raise ExpressionError when `condition` is outside the grammar (at Workflow save)."""
    parse(condition)


class _Evaluator:
    def __init__(self, doc: Mapping[str, Any], names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]):
        self.doc = doc
        self.names = names
        self.functions = functions

    def run(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return self.run(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in _LITERAL_NAMES:
                return _LITERAL_NAMES[node.id]
            return self.doc if node.id == "doc" else self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node) or ""
            return self.names.get(dotted) if dotted.startswith("frappe.") else self.doc.get(node.attr)
        if isinstance(node, ast.Subscript):
            return self.doc.get(node.slice.value)  # type: ignore[attr-defined]
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.BoolOp):
            value: Any = None
            for item in node.values:
                value = self.run(item)
                if isinstance(node.op, ast.And) and not value:
                    return value
                if isinstance(node.op, ast.Or) and value:
                    return value
            return value
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            return self.arith(ast.Sub() if isinstance(node.op, ast.USub) else ast.Add(), 0, operand, node)
        if isinstance(node, ast.BinOp):
            return self.arith(node.op, self.run(node.left), self.run(node.right), node)
        if isinstance(node, ast.Compare):
            left = self.run(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.run(right_node)
                if not self.compare(op, left, right, node):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self.run(node.body) if self.run(node.test) else self.run(node.orelse)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return [self.run(e) for e in node.elts]
        raise ExpressionError(_("{0} is not allowed in a condition", type(node).__name__))

    def call(self, node: ast.Call) -> Any:
        name = _callee(node) or ""
        args = [self.run(a) for a in node.args]
        if name == DOC_GET:
            key = args[0]
            if not isinstance(key, str) or key.startswith("_"):
                raise ExpressionError(_("doc.get() takes a field name at position {0}", _at(node)))
            value = self.doc.get(key)
            return args[1] if value is None and len(args) > 1 else value
        fn = self.functions.get(name)
        if fn is None:
            raise ExpressionError(_("{0}() is not available here at position {1}", name, _at(node)))
        try:
            return fn(*args, **{k.arg: self.run(k.value) for k in node.keywords if k.arg})
        except ExpressionError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:
            raise ExpressionError(_("{0}() failed at position {1}: {2}", name, _at(node), exc)) from None

    def compare(self, op: ast.cmpop, a: Any, b: Any, node: ast.AST) -> bool:
        try:
            if isinstance(op, ast.Eq):
                return bool(a == b)
            if isinstance(op, ast.NotEq):
                return bool(a != b)
            if isinstance(op, ast.In | ast.NotIn):
                found = a in (b or [])
                return found if isinstance(op, ast.In) else not found
            if isinstance(op, ast.Is):
                return a is b
            if isinstance(op, ast.IsNot):
                return a is not b
            if a is None or b is None:
                return False
            return bool({ast.Lt: lambda: a < b, ast.LtE: lambda: a <= b, ast.Gt: lambda: a > b,
                         ast.GtE: lambda: a >= b}[type(op)]())
        except TypeError as exc:
            raise ExpressionError(_("Cannot compare {0} with {1} at position {2}: {3}", repr(a), repr(b), _at(node),
                                    exc)) from None

    def arith(self, op: ast.operator, a: Any, b: Any, node: ast.AST) -> Any:
        numbers = all(isinstance(v, int | float) for v in (a, b))
        if not numbers:
            dated = isinstance(op, ast.Add | ast.Sub) and any(isinstance(v, dt.date | dt.timedelta) for v in (a, b))
            if not dated:
                raise ExpressionError(_("Arithmetic works on numbers (and dates) only at position {0}", _at(node)))
        if isinstance(op, ast.Pow) and (abs(b) > MAX_EXPONENT or abs(a) > MAX_NUMBER):
            raise ExpressionError(_("The exponent {0} is too large at position {1}", repr(b), _at(node)))
        try:
            result = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                      ast.Div: lambda: a / b, ast.FloorDiv: lambda: a // b, ast.Mod: lambda: a % b,
                      ast.Pow: lambda: a ** b}[type(op)]()
        except (ZeroDivisionError, OverflowError, TypeError) as exc:
            raise ExpressionError(_("Cannot compute {0} and {1} at position {2}: {3}", repr(a), repr(b), _at(node),
                                    exc)) from None
        if isinstance(result, int | float) and not isinstance(result, bool) and abs(result) > MAX_NUMBER:
            raise ExpressionError(_("The number is too large at position {0}", _at(node)))
        return result


def evaluate(condition: str, doc: Mapping[str, Any], names: Mapping[str, Any] | None = None,
             functions: Mapping[str, Callable[..., Any]] | None = None) -> bool:
    """Whether `condition` holds; `names` gives `user` and `roles`, `doc` is a mapping of values."""
    tree = parse(condition)
    return bool(_Evaluator(doc, names or {}, functions or default_functions(dt.datetime.now)).run(tree))

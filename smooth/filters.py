"""Frappe's filter shapes, normalised and checked against metadata.

Accepted forms (filters and or_filters alike)::

    {"status": "Pending", "date": [">=", "2026-01-01"]}
    [["status", "=", "Pending"], ["LMS Certificate Request", "date", ">=", "2026-01-01"]]
    [["status", "Pending"]]                      # two items: "="

Every field must exist on the doctype (or be a standard column) and every operator must be
one of OPERATORS; anything else is a FilterError (HTTP 417), never SQL. `matches` evaluates
the same filters on a document in Python, with the same NULL semantics as the SQL side, so
record rules agree between lists and single reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from smooth.exceptions import FilterError
from smooth.i18n.deferred import _
from smooth.meta import fieldtypes
from smooth.meta.coerce import CoercionError, filter_coercer_for
from smooth.meta.doctype import Meta

OPERATORS = frozenset({"=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "between", "is"})
ALIASES = {"==": "=", "<>": "!=", "not_in": "not in", "not_like": "not like"}
MAX_FIELDNAME_LENGTH = 64  # MariaDB's longest column name
MAX_OPERATOR_LENGTH = 20
MEMO_SIZE = 4096  # conditions kept per doctype; past this, start again
_MEMO_TYPES = frozenset({str, int, float, bool, dt.date, dt.datetime, dt.time, type(None)})


@dataclass(frozen=True)
class Filter:
    field: str
    operator: str
    value: Any
    fieldtype: str


def fieldtype_of(meta: Meta, fieldname: str) -> str:
    if fieldname in ("creation", "modified"):
        return "Datetime"
    if fieldname in ("docstatus", "idx"):
        return "Int"
    if fieldname in meta.standard_columns:
        return "Data"
    field = meta.get_field(fieldname)
    if field is None or not field.has_value:
        raise FilterError(_("Field {0} does not exist on {1}; it cannot be used in a filter", repr(fieldname),
                             _(meta.name)))
    return field.fieldtype


def normalize(meta: Meta, filters: Any) -> list[Filter]:
    """Checked, coerced conditions. One with a single plain value is worked out once per doctype (`meta.filter_memo`):
    a record rule, a controller's lookup or a job's query asks the same ones request after request."""
    memo = meta.filter_memo
    found = []
    for field, op, value in _conditions(meta.name, filters):
        if type(value) not in _MEMO_TYPES or type(field) is not str or type(op) is not str:
            found.append(_make(meta, field, op, value))
            continue
        key = (field, op, type(value), value)
        made = memo.get(key)
        if made is None:
            made = _make(meta, field, op, value)
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = made
        found.append(made)
    return found


def _conditions(doctype: str, filters: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(field, operator, value) of each condition, whichever of Frappe's shapes `filters` has."""
    if not filters:
        return
    if isinstance(filters, str):
        yield "name", "=", filters
        return
    if isinstance(filters, Mapping):
        for field, value in filters.items():
            if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str) \
                    and len(value[0]) <= MAX_OPERATOR_LENGTH and _op(value[0]) in OPERATORS:
                yield field, value[0], value[1]
            else:
                yield field, "=", value
        return
    if isinstance(filters, list | tuple):
        if filters and isinstance(filters[0], str) and len(filters) in (3, 4):
            filters = [filters]  # a single filter given without the outer list
        for item in filters:
            if isinstance(item, Mapping):
                yield from _conditions(doctype, item)
                continue
            if not isinstance(item, list | tuple):
                raise FilterError(_("Filter {0} must be [field, operator, value]", shown(item)))
            if len(item) == 4:
                filter_doctype, field, op, value = item
                if filter_doctype != doctype:
                    raise FilterError(_("Filters on other doctypes ({0}) are not supported here",
                                        shown(filter_doctype)))
            elif len(item) == 3:
                field, op, value = item
            elif len(item) == 2:
                (field, value), op = item, "="
            else:
                raise FilterError(_("Filter {0} must be [field, operator, value]", shown(list(item))))
            yield field, op, value
        return
    raise FilterError(_("Filters must be a list or an object, not {0}", type(filters).__name__))


def check_size(doctype: str, filter_sets: Iterable[Any], *, max_conditions: int, max_values: int) -> None:
    """Refuse more than `max_conditions` conditions in all `filter_sets` together, or an `in` list over `max_values`.

    Each condition is a term the database plans and evaluates per row (3,000 cost seconds of
    MariaDB CPU; SQLite refuses deep expression trees), so callers that take filters from
    users bound them; internal queries do not.
    """
    count = 0
    for filters in filter_sets:
        for field, op, value in _conditions(doctype, filters):
            count += 1
            if count > max_conditions:
                raise FilterError(_("More than {0} filter conditions in one query; narrow the query (the site's "
                                    "cap is site config max_filter_conditions)", max_conditions))
            if _op(op) in ("in", "not in"):
                size = len(value) if isinstance(value, list | tuple | set) else \
                    value.count(",") + 1 if isinstance(value, str) else 0
                if size > max_values:
                    raise FilterError(_("'{0}' on {1} lists {2} values; at most {3} are allowed (the site's cap is "
                                        "site config max_in_values)", _op(op), shown(field), size, max_values))


def shown(value: Any, size: int = 80) -> str:
    """A repr short enough for an error message, whatever the client sent."""
    text = repr(value)
    return text if len(text) <= size else text[:size] + "..."


def _op(operator: Any) -> str:
    if isinstance(operator, str) and operator in OPERATORS:  # the common case, already canonical
        return operator
    if not isinstance(operator, str) or len(operator) > MAX_OPERATOR_LENGTH:
        raise FilterError(_("Operator {0} must be one of {1}", shown(operator), ", ".join(sorted(OPERATORS))))
    op = " ".join(operator.strip().lower().split())
    return ALIASES.get(op, op)


def _make(meta: Meta, field: Any, operator: Any, value: Any) -> Filter:
    if not isinstance(field, str) or len(field) > MAX_FIELDNAME_LENGTH:
        raise FilterError(_("Filter field {0} must be a field name", shown(field)))
    op = _op(operator)
    if op not in OPERATORS:
        raise FilterError(_("Operator {0} is not allowed; use one of {1}", repr(operator),
                            ", ".join(sorted(OPERATORS))))
    fieldtype = fieldtype_of(meta, field)
    return Filter(field, op, _coerce_value(meta, field, fieldtype, op, value), fieldtype)


def _coerce_value(meta: Meta, field: str, fieldtype: str, op: str, value: Any) -> Any:
    if op == "is":
        text = str(value).strip().lower() if value is not None else ""
        if text not in ("set", "not set"):
            raise FilterError(_("Operator 'is' takes 'set' or 'not set', not {0}", repr(value)))
        return text
    if op in ("like", "not like"):
        if not isinstance(value, str | int | float):
            raise FilterError(_("'{0}' on {1} needs a text pattern", op, repr(field)))
        return str(value)
    coerce = filter_coercer_for(field, fieldtype)
    try:
        if op in ("in", "not in"):
            items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
            if items is None:
                items = []
            if not isinstance(items, list | tuple | set):
                raise FilterError(_("'{0}' on {1} needs a list of values", op, repr(field)))
            return tuple(_item(coerce, v) for v in items)
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise FilterError(_("'between' on {0} needs [from, to]", repr(field)))
            if any(is_blank(v) for v in value):
                raise FilterError(_("'between' on {0} needs both bounds, [from, to]", repr(field)))
            low, high = coerce(value[0]), coerce(value[1])
            if fieldtype == "Datetime" and _is_date_only(value[1]):
                high = dt.datetime.combine(high.date(), dt.time.max)
            return (low, high)
        if isinstance(value, list | tuple | dict):
            raise FilterError(_("Filter value for {0} must be a single value", repr(field)))
        return _item(coerce, value)
    except CoercionError as exc:
        # Translators: the subject of a sentence such as "{0} is not a number"
        subject = _("Filter value {0} for {1} ({2})", repr(value), _(meta.get_label(field)), field)
        raise FilterError(exc.about(subject)) from None


def _item(coerce: Any, value: Any) -> Any:
    """One filter value; None and blank text both mean "unset" (""), as in Frappe."""
    if value is None or isinstance(value, str) and value.strip() == "":
        return ""
    return coerce(value)


def _is_date_only(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime) or \
        isinstance(value, str) and len(value.strip()) == 10


def null_fallback(fieldtype: str) -> Any:
    """What a NULL column counts as in comparisons (Frappe's ifnull semantics)."""
    if fieldtype in fieldtypes.NUMERIC:
        return 0
    if fieldtype == "Date":
        return dt.date.min
    if fieldtype == "Datetime":
        return dt.datetime.min
    if fieldtype == "Time":
        return dt.time.min
    return ""


def is_blank(value: Any) -> bool:
    return value is None or value == ""


def matches(doc: Mapping[str, Any], filters: list[Filter]) -> bool:
    return all(_match_one(doc.get(f.field), f) for f in filters)


def matches_any(doc: Mapping[str, Any], filters: list[Filter]) -> bool:
    return not filters or any(_match_one(doc.get(f.field), f) for f in filters)


def _match_one(raw: Any, f: Filter) -> bool:
    coerce = filter_coercer_for(f.field, f.fieldtype)
    try:
        value = coerce(raw) if not is_blank(raw) else None
    except CoercionError:
        value = raw
    if f.operator == "is":
        blank = is_blank(value) if f.fieldtype not in fieldtypes.NUMERIC else value is None
        return blank if f.value == "not set" else not blank
    op, target = f.operator, f.value
    if op in ("like", "not like"):
        found = raw is not None and _like(str(raw if value is None else value), target)
        return found if op == "like" else not found
    if op in ("in", "not in"):
        found = any(_compare("=", value, f.fieldtype, item) for item in target or ("",))
        return found if op == "in" else not found
    if op == "between":
        return _compare(">=", value, f.fieldtype, target[0]) and _compare("<=", value, f.fieldtype, target[1])
    return _compare(op, value, f.fieldtype, target)


def _compare(op: str, value: Any, fieldtype: str, target: Any) -> bool:
    """`value op target` with NULL counted as the field type's fallback; "" means unset; text ignores case."""
    if target == "" and fieldtype in fieldtypes.NUMERIC:
        target = 0
    elif target == "" and fieldtype in fieldtypes.TEMPORAL:
        return {"=": value is None, "!=": value is not None}.get(op, False)
    effective = null_fallback(fieldtype) if value is None else value
    if isinstance(effective, str) and isinstance(target, str):
        effective, target = effective.casefold(), target.casefold()  # as MariaDB's _ci collation
    try:
        return {
            "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
            ">": lambda a, b: a > b, "<": lambda a, b: a < b,
            ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
        }[op](effective, target)
    except TypeError:
        return False


def _like(text: str, pattern: str) -> bool:
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, text, flags=re.IGNORECASE | re.DOTALL) is not None

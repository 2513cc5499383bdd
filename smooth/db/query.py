"""Metadata-checked SELECTs: field lists, filters, ordering and grouping.

Only names that metadata knows reach SQL, always as SQLAlchemy column objects; values are
bound parameters. A field list may hold plain fieldnames, `*`, `field as alias` and the
aggregates count/sum/avg/min/max over a field (or `count(*)`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Integer, Select, Table, and_, false, func, not_, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from smooth.exceptions import FilterError
from smooth.filters import Filter, fieldtype_of, null_fallback
from smooth.meta import fieldtypes
from smooth.meta.doctype import Meta

_NAME = r"`?([A-Za-z_][A-Za-z0-9_]*)`?"
_QUALIFIED = re.compile(rf"^`?tab([^`.]+)`?\.{_NAME}$")
_PLAIN = re.compile(rf"^{_NAME}$")
_ALIAS = re.compile(r"^(.*?)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$", re.IGNORECASE | re.DOTALL)
_AGGREGATE = re.compile(r"^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?(.+?)\s*\)$", re.IGNORECASE)
_ORDER = re.compile(r"^(.+?)(?:\s+(asc|desc))?$", re.IGNORECASE)
AGGREGATES = {"count": func.count, "sum": func.sum, "avg": func.avg, "min": func.min, "max": func.max}


class _Whole(TypeDecorator[int]):
    """SUM of whole numbers as int on every backend (MariaDB returns Decimal)."""

    impl = Integer
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(value)


class _Real(TypeDecorator[float]):
    """AVG, and SUM of decimals, as float on every backend (MariaDB returns Decimal)."""

    impl = Float
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> float | None:
        return None if value is None else float(value)


def column(meta: Meta, table: Table, expression: str) -> Any:
    """A plain or `tabDocType`-qualified field reference -> the table's column."""
    text = expression.strip()
    qualified = _QUALIFIED.match(text)
    if qualified:
        doctype, name = qualified.groups()
        if doctype != meta.name:
            raise FilterError(
                f"Field {expression!r} belongs to another doctype; only {meta.name} fields are allowed")
    else:
        plain = _PLAIN.match(text)
        if not plain:
            raise FilterError(f"{expression!r} is not a field name")
        name = plain.group(1)
    if name not in meta.column_set:
        raise FilterError(f"Field {name!r} does not exist on {meta.name}")
    return table.c[name]


def select_columns(meta: Meta, table: Table, fields: Sequence[str] | str | None) -> list[Any]:
    if fields is None or fields == [] or fields == "":
        return [table.c.name]
    if isinstance(fields, str):
        fields = [f for f in fields.split(",")] if "(" not in fields else _split_top_level(fields)
    columns: list[Any] = []
    for raw in fields:
        if not isinstance(raw, str):
            raise FilterError(f"Field {raw!r} must be a string")
        text = raw.strip()
        if text in ("*", f"`tab{meta.name}`.*", f"tab{meta.name}.*"):
            columns.extend(table.c[c] for c in meta.columns)
            continue
        alias = None
        aliased = _ALIAS.match(text)
        if aliased:
            text, alias = aliased.group(1).strip(), aliased.group(2)
        aggregate = _AGGREGATE.match(text)
        if aggregate:
            fn, distinct, arg = aggregate.groups()
            if arg.strip() == "*":
                if fn.lower() != "count" or distinct:
                    raise FilterError(f"{raw!r}: only count(*) may take *")
                expr = func.count()
            else:
                expr = _aggregate(meta, table, fn.lower(), arg, bool(distinct))
            columns.append(expr.label(alias or f"{fn.lower()}({arg.strip()})"))
            continue
        col = column(meta, table, text)
        columns.append(col.label(alias) if alias else col)
    return columns


def _aggregate(meta: Meta, table: Table, fn: str, arg: str, distinct: bool) -> Any:
    target = column(meta, table, arg)
    expr = AGGREGATES[fn](target.distinct() if distinct else target)
    if fn in ("sum", "avg"):
        fieldtype = fieldtype_of(meta, target.name)
        if fieldtype not in fieldtypes.NUMERIC:
            raise FilterError(
                f"{fn}({arg.strip()}): {fn} needs a number field, and {target.name!r} is {fieldtype}")
        whole = fn == "sum" and fieldtype in fieldtypes.INTEGER
        expr = type_coerce(expr, _Whole() if whole else _Real())
    return expr


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += ch == "("
        depth -= ch == ")"
        current.append(ch)
    parts.append("".join(current))
    return parts


def condition(table: Table, f: Filter) -> ColumnElement[bool]:
    col = table.c[f.field]
    op, value = f.operator, f.value
    is_text = f.fieldtype not in fieldtypes.NUMERIC and f.fieldtype not in fieldtypes.TEMPORAL
    if op == "is":
        blank = col.is_(None) | (col == "") if is_text else col.is_(None)
        return blank if value == "not set" else ~blank
    if op == "like":
        return col.like(value)
    if op == "not like":
        return col.is_(None) | col.not_like(value)
    if op in ("in", "not in"):
        return _in_list(col, f, is_text)
    if op == "between":
        within = col.between(value[0], value[1])
        if _null_counts(f.fieldtype, ">=", value[0]) and _null_counts(f.fieldtype, "<=", value[1]):
            return or_(within, col.is_(None))
        return within
    if value == "" and not is_text:
        value = null_fallback(f.fieldtype) if f.fieldtype in fieldtypes.NUMERIC else None
        if value is None:
            return col.is_(None) if op == "=" else col.is_not(None) if op == "!=" else false()
    comparison = {
        "=": col.__eq__, "!=": col.__ne__, ">": col.__gt__,
        "<": col.__lt__, ">=": col.__ge__, "<=": col.__le__,
    }[op](value)
    if _null_counts(f.fieldtype, op, value):
        return or_(comparison, col.is_(None))
    return comparison


def _in_list(col: Any, f: Filter, is_text: bool) -> ColumnElement[bool]:
    """`in` means `= v1 or = v2 ...` (an empty list means [""]); `not in` is its exact negation."""
    items = list(f.value) or [""]
    values = [v for v in items if v != ""]
    wants_blank = len(values) != len(items)
    if wants_blank and f.fieldtype in fieldtypes.NUMERIC:
        values.append(0)
    null_hit = wants_blank or any(_null_counts(f.fieldtype, "=", v) for v in values)
    hit = col.in_(values) if values else false()
    if wants_blank and is_text:
        hit = or_(hit, col == "")
    if f.operator == "in":
        return or_(hit, col.is_(None)) if null_hit else hit
    return and_(col.is_not(None), not_(hit)) if null_hit else or_(col.is_(None), not_(hit))


def _null_counts(fieldtype: str, op: str, value: Any) -> bool:
    """Would a NULL column match, were it replaced by its fallback ('' / 0 / min date)?"""
    fallback = null_fallback(fieldtype)
    try:
        return {
            "=": fallback == value, "!=": fallback != value, ">": fallback > value, "<": fallback < value,
            ">=": fallback >= value, "<=": fallback <= value,
        }[op]
    except TypeError:
        return False


def where(table: Table, filters: list[Filter],
          or_filters: list[Filter] | None = None) -> ColumnElement[bool] | None:
    clauses = [condition(table, f) for f in filters]
    if or_filters:
        clauses.append(or_(*(condition(table, f) for f in or_filters)))
    if not clauses:
        return None
    return and_(*clauses) if len(clauses) > 1 else clauses[0]


def order_clause(meta: Meta, table: Table, order_by: str | None) -> list[Any]:
    if order_by is None:
        order_by = f"{meta.sort_field} {meta.sort_order}"
    if not order_by.strip():
        return []
    clauses = []
    for part in order_by.split(","):
        m = _ORDER.match(part.strip())
        if not m:
            raise FilterError(f"Cannot order by {part!r}")
        expression, direction = m.group(1).strip(), (m.group(2) or "asc").lower()
        aggregate = _AGGREGATE.match(expression)
        if aggregate:
            fn, distinct, arg = aggregate.groups()
            if arg.strip() == "*":
                col = func.count()
            else:
                col = _aggregate(meta, table, fn.lower(), arg, bool(distinct))
        else:
            col = column(meta, table, expression)
        clauses.append(col.desc() if direction == "desc" else col.asc())
    return clauses


def _row_count(value: Any, what: str) -> int:
    """A limit or offset as a whole number >= 0 (REST clients send strings); 0/None means none."""
    if value is None or value == "":
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or isinstance(value, bool) or isinstance(value, float) and value != number:
        raise FilterError(f"{what} must be a whole number of rows, not {value!r}")
    return number


def build_select(
    meta: Meta,
    table: Table,
    *,
    fields: Sequence[str] | str | None = None,
    filters: list[Filter] | None = None,
    or_filters: list[Filter] | None = None,
    order_by: str | None = None,
    group_by: str | None = None,
    limit: int | str | None = None,
    offset: int | str | None = 0,
    distinct: bool = False,
    for_update: bool = False,
) -> Select[Any]:
    stmt = select(*select_columns(meta, table, fields)).select_from(table)
    clause = where(table, filters or [], or_filters)
    if clause is not None:
        stmt = stmt.where(clause)
    if group_by:
        stmt = stmt.group_by(*(column(meta, table, g) for g in group_by.split(",")))
        if order_by is None:
            order_by = ""
    stmt = stmt.order_by(*order_clause(meta, table, order_by))
    if distinct:
        stmt = stmt.distinct()
    limit, offset = _row_count(limit, "limit_page_length"), _row_count(offset, "limit_start")
    if limit:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    if for_update:
        stmt = stmt.with_for_update()
    return stmt

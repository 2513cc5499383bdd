"""Metadata-checked SELECTs: field lists, filters, ordering and grouping.

Only names that metadata knows reach SQL, always as SQLAlchemy column objects; values are
bound parameters. A field list may hold plain fieldnames, `*`, `field as alias` and the
aggregates count/sum/avg/min/max over a field (or `count(*)`).

Expressions are split with str methods and anchored patterns that cannot backtrack, so the
time to refuse one grows linearly with its length, and every name, expression and list is
capped before it is parsed: a request cannot make the worker spin.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    FromClause,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    false,
    func,
    not_,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from smooth.exceptions import FilterError
from smooth.filters import Filter, fieldtype_of, null_fallback
from smooth.i18n.deferred import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import Meta

_NAME = r"`?([A-Za-z_][A-Za-z0-9_]*)`?"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUALIFIED = re.compile(rf"`?tab([^`.]+)`?\.{_NAME}")
_PLAIN = re.compile(_NAME)
AGGREGATES: dict[str, Callable[[Any], Any]] = {
    "count": func.count, "sum": func.sum, "avg": func.avg, "min": func.min, "max": func.max}
MAX_EXPRESSION_LENGTH = 300  # `tab<a 140-character doctype>`.<a 64-character column> as <alias>, with room
MAX_TERMS = 500  # fields, order_by or group_by terms in one query
MAX_LIST_TEXT = 64 * 1024  # a comma-separated fields / order_by / group_by string
MAX_ROWS = 2**63 - 1  # the largest LIMIT / OFFSET both backends take


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


def _expression(text: str, what: str = "Field") -> str:
    """`text` stripped, refused when longer than any expression metadata could name."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise FilterError(_("{0} {1}... is longer than {2} characters", _(what), repr(text[:60]),
                            MAX_EXPRESSION_LENGTH))
    return text.strip()


def _terms(text: str, what: str) -> list[str]:
    if len(text) > MAX_LIST_TEXT:
        raise FilterError(_("{0} is longer than {1} characters", what, format(MAX_LIST_TEXT, ",")))
    terms = _split_top_level(text) if "(" in text else text.split(",")
    return list(_few(terms, what))


def _few(terms: Sequence[Any], what: str) -> Sequence[Any]:
    if len(terms) > MAX_TERMS:
        raise FilterError(_("{0} has {1} terms; at most {2} are allowed in one query", what, len(terms), MAX_TERMS))
    return terms


def _alias(text: str) -> tuple[str, str | None]:
    """`expression as alias` -> (expression, alias); (text, None) without a well-formed alias."""
    parts = text.rsplit(None, 2)
    if len(parts) == 3 and parts[1].lower() == "as" and _IDENTIFIER.fullmatch(parts[2]):
        return parts[0], parts[2]
    return text, None


def _call(text: str) -> tuple[str, bool, str] | None:
    """`fn([distinct] arg)` for an aggregate fn -> (fn, distinct, arg); None for anything else."""
    start = text.find("(")
    if start <= 0 or not text.endswith(")"):
        return None
    fn = text[:start].rstrip().lower()
    inner = text[start + 1:-1].strip()
    if fn not in AGGREGATES or not inner:
        return None
    words = inner.split(None, 1)
    if len(words) == 2 and words[0].lower() == "distinct":
        return fn, True, words[1].strip()
    return fn, False, inner


def _direction(text: str) -> tuple[str, str]:
    """`expression [asc|desc]` -> (expression, direction)."""
    parts = text.rsplit(None, 1)
    if len(parts) == 2 and parts[1].lower() in ("asc", "desc"):
        return parts[0], parts[1].lower()
    return text, "asc"


def column(meta: Meta, table: FromClause, expression: str) -> Any:
    """A plain or `tabDocType`-qualified field reference -> the table's column."""
    text = _expression(expression)
    qualified = _QUALIFIED.fullmatch(text)
    if qualified:
        doctype, name = qualified.groups()
        if doctype != meta.name:
            raise FilterError(_("Field {0} belongs to another doctype; only {1} fields are allowed", repr(expression),
                                _(meta.name)))
    else:
        plain = _PLAIN.fullmatch(text)
        if not plain:
            raise FilterError(_("{0} is not a field name", repr(expression)))
        name = plain.group(1)
    if name not in meta.column_set:
        raise FilterError(_("Field {0} does not exist on {1}", repr(name), _(meta.name)))
    return table.c[name]


def select_columns(meta: Meta, table: FromClause, fields: Sequence[str] | str | None) -> list[Any]:
    if fields is None or fields == [] or fields == "":
        return [table.c.name]
    fields = _terms(fields, "fields") if isinstance(fields, str) else _few(fields, "fields")
    columns: list[Any] = []
    for raw in fields:
        if not isinstance(raw, str):
            raise FilterError(_("Field {0} must be a string", repr(raw)))
        text = _expression(raw)
        if text in ("*", f"`tab{meta.name}`.*", f"tab{meta.name}.*"):
            columns.extend(table.c[c] for c in meta.columns)
            continue
        text, alias = _alias(text)
        aggregate = _call(text)
        if aggregate:
            fn, distinct, arg = aggregate
            if arg == "*":
                if fn != "count" or distinct:
                    raise FilterError(_("{0}: only count(*) may take *", repr(raw)))
                expr = func.count()
            else:
                expr = _aggregate(meta, table, fn, arg, distinct)
            columns.append(expr.label(alias or f"{fn}({arg})"))
            continue
        col = column(meta, table, text)
        columns.append(col.label(alias) if alias else col)
    return columns


def _aggregate(meta: Meta, table: FromClause, fn: str, arg: str, distinct: bool) -> Any:
    target = column(meta, table, arg)
    expr = AGGREGATES[fn](target.distinct() if distinct else target)
    if fn in ("sum", "avg"):
        fieldtype = fieldtype_of(meta, target.name)
        if fieldtype not in fieldtypes.NUMERIC:
            raise FilterError(_("{0}({1}): {0} needs a number field, and {2} is {3}", fn, arg.strip(),
                                repr(target.name), _(fieldtype)))
        whole = fn == "sum" and fieldtype in fieldtypes.INTEGER
        expr = type_coerce(expr, _Whole() if whole else _Real())
    return expr


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
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


def order_clause(meta: Meta, table: FromClause, order_by: str | None) -> list[Any]:
    if order_by is None:
        order_by = f"{meta.sort_field} {meta.sort_order}"
    if not order_by.strip():
        return []
    clauses = []
    for part in _terms(order_by, "order_by"):
        text = _expression(part, "order_by term")
        if not text:
            raise FilterError(_("Cannot order by {0}", repr(part)))
        expression, direction = _direction(text)
        aggregate = _call(expression)
        if aggregate:
            fn, distinct, arg = aggregate
            if arg == "*":
                col = func.count()
            else:
                col = _aggregate(meta, table, fn, arg, distinct)
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
    except (TypeError, ValueError, OverflowError):
        number = -1
    if not 0 <= number <= MAX_ROWS or isinstance(value, bool) or isinstance(value, float) and value != number:
        raise FilterError(_("{0} must be a whole number of rows from 0 to {1}, not {2}", what, MAX_ROWS,
                             repr(str(value)[:40])))
    return number


_HEADS = "smooth_select_heads"
MAX_HEADS = 256  # per table: a REST client choosing its own fields cannot grow the cache without end


def _head(meta: Meta, table: Table, fields: Sequence[str] | str | None, order_by: str | None,
          group_by: str | None, distinct: bool) -> Select[Any]:
    """SELECT columns FROM table [GROUP BY] ORDER BY [DISTINCT]: parsed and built once per shape and table
    (kept in the Table's `info`, so a migrated schema starts afresh); the WHERE and limits are the call's."""
    key: tuple[Any, ...] | None = (tuple(fields) if isinstance(fields, list | tuple) else fields, order_by, group_by,
                                   distinct)
    heads: dict[Any, tuple[Meta, Select[Any]]] = table.info.setdefault(_HEADS, {})
    try:
        cached = heads.get(key)
    except TypeError:  # an unhashable field spec: select_columns names the mistake
        cached, key = None, None
    if cached is not None and cached[0] is meta:
        return cached[1]
    stmt = _build_head(meta, table, fields, order_by, group_by, distinct)
    if key is not None and len(heads) < MAX_HEADS:
        heads[key] = (meta, stmt)
    return stmt


def _build_head(meta: Meta, source: FromClause, fields: Sequence[str] | str | None, order_by: str | None,
                group_by: str | None, distinct: bool) -> Select[Any]:
    stmt = select(*select_columns(meta, source, fields)).select_from(source)
    if group_by:
        stmt = stmt.group_by(*(column(meta, source, g) for g in _terms(group_by, "group_by")))
        if order_by is None:
            order_by = ""
    stmt = stmt.order_by(*order_clause(meta, source, order_by))
    if distinct:
        stmt = stmt.distinct()
    return stmt


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
    skip_locked: bool = False,
) -> Select[Any]:
    stmt = _head(meta, table, fields, order_by, group_by, distinct)
    clause = where(table, filters or [], or_filters)
    if clause is not None:
        stmt = stmt.where(clause)
    limit, offset = _row_count(limit, "limit_page_length"), _row_count(offset, "limit_start")
    if limit:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    if for_update:
        stmt = stmt.with_for_update(skip_locked=skip_locked)
    return stmt


_PREPARED = "smooth_prepared_selects"
_COMPARISONS = frozenset({"=", "!=", ">", "<", ">=", "<="})
_SCALARS = (str, int, float, dt.date, dt.time, decimal.Decimal)


def _form(f: Filter) -> tuple[Any, ...] | None:
    """What a filter's SQL depends on besides its value, when the value can be a bound parameter: the same
    form always builds the same clause. None for a shape `condition` builds from its value (like, is,
    between, NULL, "" in a non-text column, "" in a list)."""
    op, value = f.operator, f.value
    if op in _COMPARISONS:
        if not isinstance(value, _SCALARS) or value == "" and f.fieldtype in _NON_TEXT:
            return None
        return f.field, op, f.fieldtype, _null_counts(f.fieldtype, op, value)
    if op in ("in", "not in"):
        items = f.value
        if not isinstance(items, list | tuple) or not items or \
                any(not isinstance(v, _SCALARS) or v == "" for v in items):
            return None
        return f.field, op, f.fieldtype, any(_null_counts(f.fieldtype, "=", v) for v in items)
    return None


_NON_TEXT = fieldtypes.NUMERIC | fieldtypes.TEMPORAL


def _bound_condition(table: Table, f: Filter, form: tuple[Any, ...], key: str) -> ColumnElement[bool]:
    """`condition` with the value as the bound parameter `key` (same SQL, same NULL rules)."""
    col = table.c[f.field]
    op, null_hit = f.operator, form[3]
    if op in ("in", "not in"):
        hit = col.in_(bindparam(key, expanding=True))
        if op == "in":
            return or_(hit, col.is_(None)) if null_hit else hit
        return and_(col.is_not(None), not_(hit)) if null_hit else or_(col.is_(None), not_(hit))
    comparison = {
        "=": col.__eq__, "!=": col.__ne__, ">": col.__gt__,
        "<": col.__lt__, ">=": col.__ge__, "<=": col.__le__,
    }[op](bindparam(key))
    return or_(comparison, col.is_(None)) if null_hit else comparison


def prepared_select(
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
    skip_locked: bool = False,
) -> tuple[Select[Any], dict[str, Any] | None]:
    """`build_select`'s statement and its parameters. Statements whose filters bind every value are built
    once per shape and table and kept (the same object each time, so SQLAlchemy also keeps its cache key
    and compiled form); other shapes are built per call with their values inline (parameters None)."""
    filters, or_filters = filters or [], or_filters or []
    forms = [_form(f) for f in filters]
    or_forms = [_form(f) for f in or_filters]
    limit_n, offset_n = _row_count(limit, "limit_page_length"), _row_count(offset, "limit_start")
    head = (tuple(fields) if isinstance(fields, list | tuple) else fields, order_by, group_by, distinct)
    key = (head, tuple(forms), tuple(or_forms), limit_n, offset_n, for_update, skip_locked)
    if None in forms or None in or_forms:
        return build_select(meta, table, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
                            group_by=group_by, limit=limit_n, offset=offset_n, distinct=distinct,
                            for_update=for_update, skip_locked=skip_locked), None
    params = {f"p{i}": list(f.value) if f.operator in ("in", "not in") else f.value
              for i, f in enumerate((*filters, *or_filters))}
    prepared: dict[Any, tuple[Meta, Select[Any]]] = table.info.setdefault(_PREPARED, {})
    try:
        cached = prepared.get(key)
    except TypeError:  # an unhashable field spec: build_select names the mistake
        return build_select(meta, table, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
                            group_by=group_by, limit=limit_n, offset=offset_n, distinct=distinct,
                            for_update=for_update, skip_locked=skip_locked), None
    if cached is not None and cached[0] is meta:
        return cached[1], params
    stmt = _head(meta, table, fields, order_by, group_by, distinct)
    bound = [_bound_condition(table, f, form, f"p{i}")
             for i, (f, form) in enumerate(zip((*filters, *or_filters), (*forms, *or_forms), strict=True))
             if form is not None]
    clauses = bound[:len(filters)]
    if or_filters:
        clauses.append(or_(*bound[len(filters):]))
    if clauses:
        stmt = stmt.where(and_(*clauses) if len(clauses) > 1 else clauses[0])
    if limit_n:
        stmt = stmt.limit(limit_n)
    if offset_n:
        stmt = stmt.offset(offset_n)
    if for_update:
        stmt = stmt.with_for_update(skip_locked=skip_locked)
    if len(prepared) < MAX_HEADS:
        prepared[key] = (meta, stmt)
    return stmt, params


# -- an OR of conditions on different columns, as one indexed branch per condition --------------------------

UNION_OPERATORS = frozenset({"=", "in", ">", "<", ">=", "<=", "between"})  # a range or lookup an index serves
_LEADING = "smooth_leading_index_columns"


def _leading_columns(table: Table) -> frozenset[str]:
    """Columns that lead an index of `table` (the primary key's first column included)."""
    found = table.info.get(_LEADING)
    if found is None:
        names = {next(iter(table.primary_key.columns)).name} if table.primary_key.columns else set()
        names |= {next(iter(index.columns)).name for index in table.indexes if index.columns}
        found = table.info[_LEADING] = frozenset(names)
    return found


def union_branches(table: Table, or_filters: Sequence[Filter]) -> bool:
    """Whether an OR of `or_filters` is better read as a UNION ALL of one branch per condition: two or more
    conditions, each on a column that leads an index. A database plans `a = x OR b = y` as one scan of the
    table (MariaDB cannot merge the indexes once the query also orders and pages); each branch alone is an
    index lookup."""
    if len(or_filters) < 2 or len({f.field for f in or_filters}) < 2:
        return False
    leading = _leading_columns(table)
    return all(f.field in leading and f.operator in UNION_OPERATORS for f in or_filters)


class _Conditions:
    """The WHERE parts of a union plan: with `bound`, every value a parameter `p<i>` (i: the filter's place in
    filters + or_filters + branches), so the statement can be built once per shape and kept."""

    def __init__(self, table: Table, filters: Sequence[Filter], or_filters: Sequence[Filter],
                 branches: Sequence[Filter], bound: bool) -> None:
        self.table, self.bound = table, bound
        every = [self._one(f, i) for i, f in enumerate((*filters, *or_filters, *branches))]
        plain, alternatives = every[:len(filters)], every[len(filters):len(filters) + len(or_filters)]
        if alternatives:
            plain.append(or_(*alternatives))
        self.common = and_(*plain) if plain else None
        self.branches = every[len(filters) + len(or_filters):]

    def _one(self, f: Filter, i: int) -> ColumnElement[bool]:
        form = _form(f) if self.bound else None
        return condition(self.table, f) if form is None else _bound_condition(self.table, f, form, f"p{i}")

    def selects(self, columns: Sequence[Any]) -> list[Select[Any]]:
        """One SELECT per condition of the OR; a row matching several is kept by the first only (later branches
        exclude the earlier conditions: `IS NOT TRUE`, so NULL counts as not matching), so UNION ALL neither
        repeats a row nor needs a DISTINCT over the whole result."""
        out = []
        for i, branch in enumerate(self.branches):
            clauses = [branch, *(earlier.is_not(true()) for earlier in self.branches[:i])]
            if self.common is not None:
                clauses.append(self.common)
            out.append(select(*columns).where(and_(*clauses)))
        return out


def _prepared(table: Table, key: tuple[Any, ...], filters: Sequence[Filter], build: Callable[[bool], Select[Any]]
              ) -> tuple[Select[Any], dict[str, Any] | None]:
    """`build(bound=True)` once per key and table with its parameters, when every filter's value can be bound;
    else `build(bound=False)` with the values inline (parameters None)."""
    forms = tuple(_form(f) for f in filters)
    if None in forms:
        return build(False), None
    params = {f"p{i}": list(f.value) if f.operator in ("in", "not in") else f.value for i, f in enumerate(filters)}
    prepared: dict[Any, Select[Any]] = table.info.setdefault(_PREPARED, {})
    full_key = (*key, forms)
    try:
        cached = prepared.get(full_key)
    except TypeError:  # an unhashable field spec: building names the mistake
        return build(False), None
    if cached is None:
        cached = build(True)
        if len(prepared) < MAX_HEADS:
            prepared[full_key] = cached
    return cached, params


def _limited(branch: Select[Any], count: int, order: Sequence[Any] = ()) -> Select[Any]:
    """`branch ORDER BY .. LIMIT count` as a member of a compound (SQLite takes no LIMIT there unwrapped)."""
    inner = branch.order_by(*order).limit(count).subquery()
    return select(*inner.c)


def _referenced(table: Table, stmt: Select[Any]) -> list[str]:
    """The columns of `table` a statement reads (selected, grouped or ordered by), name first."""
    names = {el.name for el in visitors.iterate(stmt) if isinstance(el, Column) and el.table is table}
    return ["name", *sorted(names - {"name"})]


def _aggregates(stmt: Select[Any]) -> bool:
    return any(isinstance(el, FunctionElement) for el in visitors.iterate(stmt))


def union_select(meta: Meta, table: Table, *, branches: Sequence[Filter], fields: Sequence[str] | str | None = None,
                 filters: list[Filter] | None = None, or_filters: list[Filter] | None = None,
                 order_by: str | None = None, group_by: str | None = None, limit: int | str | None = None,
                 offset: int | str | None = 0, distinct: bool = False) -> tuple[Select[Any], dict[str, Any] | None]:
    """`prepared_select` with `branches` OR-ed in, over a UNION ALL of one branch per condition.

    The other filters go into every branch. A page of plain rows takes `limit + offset` rows from each
    branch in the query's order (each branch reads them from its own index) and merges them; grouping,
    aggregates and DISTINCT run over the union of the matching rows, as they would over the table."""
    filters, or_filters = filters or [], or_filters or []
    limit_n, offset_n = _row_count(limit, "limit_page_length"), _row_count(offset, "limit_start")
    shape = (tuple(fields) if isinstance(fields, list | tuple) else fields, order_by, group_by, distinct)

    def build(bound: bool) -> Select[Any]:
        head = _head(meta, table, fields, order_by, group_by, distinct)
        columns = [table.c[name] for name in _referenced(table, head)]
        parts = _Conditions(table, filters, or_filters, branches, bound).selects(columns)
        if limit_n and not (group_by or distinct or _aggregates(head)):
            order = order_clause(meta, table, order_by)
            parts = [_limited(part, limit_n + offset_n, order) for part in parts]
        stmt = _build_head(meta, union_all(*parts).subquery("matching"), fields, order_by, group_by, distinct)
        if limit_n:
            stmt = stmt.limit(limit_n)
        if offset_n:
            stmt = stmt.offset(offset_n)
        return stmt

    return _prepared(table, ("union", shape, len(filters), len(or_filters), limit_n, offset_n),
                     (*filters, *or_filters, *branches), build)


def count_select(table: Table, *, filters: list[Filter], or_filters: list[Filter] | None = None,
                 extra_or_filters: Sequence[Filter] = (), at_most: int | None = None, prepare: bool = True
                 ) -> tuple[Select[Any], dict[str, Any] | None]:
    """SELECT COUNT(*) of the matching rows (and its parameters); with `at_most`, counting stops there. Without
    `prepare` the values are in the statement (parameters None), as EXPLAIN of its compiled text needs."""
    or_filters = or_filters or []
    union = bool(extra_or_filters) and union_branches(table, extra_or_filters)

    def build(bound: bool) -> Select[Any]:
        if union:
            conditions = _Conditions(table, filters, or_filters, extra_or_filters, bound)
            parts = conditions.selects([table.c.name])
            if at_most:
                parts = [_limited(part, at_most) for part in parts]
            matching = union_all(*parts).subquery("matching")
            if at_most:
                matching = select(matching.c.name).limit(at_most).subquery("first")
            return select(func.count()).select_from(matching)
        conditions = _Conditions(table, filters, or_filters, extra_or_filters, bound)
        common = conditions.common
        if conditions.branches:
            extra = or_(*conditions.branches)
            common = extra if common is None else and_(common, extra)
        if at_most:
            inner = select(table.c.name)
            if common is not None:
                inner = inner.where(common)
            return select(func.count()).select_from(inner.limit(at_most).subquery("first"))
        stmt = select(func.count()).select_from(table)
        return stmt if common is None else stmt.where(common)

    if prepare:
        return _prepared(table, ("count", len(filters), len(or_filters), len(extra_or_filters), union, at_most),
                         (*filters, *or_filters, *extra_or_filters), build)
    return build(False), None

"""The state of a list or report view, read from and written back to the URL query string.

Everything a list shows is in its URL, so a view can be shared, bookmarked and reached with
the back button. Filters use Frappe's route-option shape: `?status=Pending` is an equality
filter and `?date=[">=","2026-01-01"]` (JSON `[operator, value]`) any other operator of
`smooth.filters`; a field may appear more than once. The other keys are the view's own:

    order_by=date asc, start_time asc   page=2   page_length=100
    assigned_to_me=1   created_by_me=1  fields=name,course (report)   group_by=status (report)

A request with no query string at all gets the doctype's `default_filters` and
`default_order` from its `<doctype>_list.json`; every link the page renders carries the whole
state, so clearing a default filter sticks. The date value `today` means the current date in
the system time zone (a shared "upcoming" view stays upcoming).

Only fields the user may read (value fields, not hidden, not Password, permlevel 0) are
accepted anywhere; the rows and counts come from `smooth.model.user_queries`, the door the
REST list uses too (the site's filter caps, DocPerms and the apps' record rules), handed the
parsed conditions.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from smooth.context import session_user, today
from smooth.exceptions import FilterError
from smooth.filters import OPERATORS
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.model import time_zones, user_queries, workflow
from smooth.model.list_counts import ListCount

PAGE_LENGTHS = (20, 100, 500)
COUNTS_KEY = "counts"  # a list drawn with its counts (without scripts; they load after the rows otherwise)
CONTROL_KEYS = frozenset({"order_by", "page", "page_length", "assigned_to_me", "created_by_me", "fields",
                          "group_by", "format", "add_field", "add_op", "add_value", "add_value_to", COUNTS_KEY})
STANDARD_READABLE = ("name", "owner", "creation", "modified", "modified_by")
STANDARD_LABELS = {"name": "ID", "owner": "Created By", "creation": "Created On", "modified": "Last Updated On",
                   "modified_by": "Last Updated By"}
STANDARD_TYPES = {"name": "Data", "owner": "Link", "creation": "Datetime", "modified": "Datetime",
                  "modified_by": "Link"}
OPERATOR_LABELS = {"=": "equals", "!=": "not equals", "like": "like", "not like": "not like", ">": ">", "<": "<",
                   ">=": ">=", "<=": "<=", "in": "in", "not in": "not in", "is": "is", "between": "between"}
MAX_ORDER_TERMS = 3
MAX_REPORT_FIELDS = 40


@dataclass(frozen=True)
class Column:
    """A field as a view shows it."""

    fieldname: str
    label: str
    fieldtype: str
    options: str | None = None
    zone: str = ""  # the zone its times are shown in, named in the heading

    @property
    def heading(self) -> str:
        return f"{self.label} ({self.zone})" if self.zone else self.label

    @property
    def sortable(self) -> bool:
        return self.fieldtype not in fieldtypes.LONG_TEXT

    @property
    def numeric(self) -> bool:
        return self.fieldtype in fieldtypes.NUMERIC and self.fieldtype != "Check"


@dataclass(frozen=True)
class Condition:
    """One filter as the URL gives it: `value` is the text or JSON value, not yet coerced."""

    fieldname: str
    operator: str
    value: Any

    def param(self) -> tuple[str, str]:
        if self.operator == "=" and isinstance(self.value, str) and not self.value.startswith("["):
            return self.fieldname, self.value
        return self.fieldname, json.dumps([self.operator, self.value], separators=(",", ":"))

    def describe(self, column: Column) -> str:
        """The filter's chip, in the reader's language: "Published equals Yes"."""
        value = self.value
        if isinstance(value, tuple):
            value = (_(" and ") if self.operator == "between" else ", ").join(str(v) for v in value)
        if column.fieldtype == "Check" and self.operator in ("=", "!="):
            value = _("Yes") if str(value) in ("1", "true") else _("No")
        return f"{_(column.label)} {_(OPERATOR_LABELS.get(self.operator, self.operator))} {value}"


@dataclass(frozen=True)
class ListState:
    conditions: tuple[Condition, ...] = ()
    order: tuple[tuple[str, str], ...] = ()
    page: int = 1
    page_length: int = PAGE_LENGTHS[0]
    assigned_to_me: bool = False
    created_by_me: bool = False
    fields: tuple[str, ...] = ()
    group_by: str = ""

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the records (conditions or a quick filter), so "none match" means something."""
        return bool(self.conditions or self.assigned_to_me or self.created_by_me)

    @property
    def order_by(self) -> str:
        return ", ".join(f"{f} {d}" for f, d in self.order)

    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, in a fixed order (the canonical URL)."""
        out = [c.param() for c in self.conditions]
        if self.assigned_to_me:
            out.append(("assigned_to_me", "1"))
        if self.created_by_me:
            out.append(("created_by_me", "1"))
        if self.fields:
            out.append(("fields", ",".join(self.fields)))
        if self.group_by:
            out.append(("group_by", self.group_by))
        out.append(("order_by", self.order_by))
        if self.page_length != PAGE_LENGTHS[0]:
            out.append(("page_length", str(self.page_length)))
        if self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def query(self, **changes: Any) -> str:
        return _query(self, tuple(changes.items()))

    def without(self, condition: Condition) -> str:
        return self.query(conditions=tuple(c for c in self.conditions if c != condition), page=1)


@functools.lru_cache(maxsize=4096)
def _query(state: ListState, changes: tuple[tuple[str, Any], ...]) -> str:
    """The query string of `state` with `changes`: a list page links a dozen variants of its state (paging,
    sorting, quick filters, chips), and the same ones come back page after page."""
    return "?" + urlencode((replace(state, **dict(changes)) if changes else state).params())


@dataclass
class ListContext:
    """What a view needs besides the state: the doctype, the user's readable columns, its list settings."""

    meta: Meta
    settings: dict[str, Any]
    columns: dict[str, Column] = field(default_factory=dict)

    def column(self, fieldname: str, what: str | None = None) -> Column:
        found = self.columns.get(fieldname)
        if found is None:
            raise FilterError(_("You cannot {0} {1!r}: {2} has no such field you may read",
                                what or _("filter on"), fieldname, _(self.meta.name)))
        return found


LEVEL_ZERO = frozenset({0})


def readable(df: DocField, levels: frozenset[int] | None = LEVEL_ZERO) -> bool:
    """A value a list may show: not hidden, not a Password, at one of `levels` (None: any)."""
    return df.has_value and not df.hidden and df.fieldtype != "Password" and (levels is None or df.permlevel in levels)


def columns_of(meta: Meta, levels: frozenset[int] | None = LEVEL_ZERO) -> dict[str, Column]:
    """Every field a desk user may see in a list of `meta` (fields at `levels`, the list's own: level 0),
    standard columns included; times carry the zone the viewer reads them in."""
    zones = time_zones.viewer_zones()

    def column(fieldname: str, label: str, fieldtype: str, options: str | None = None) -> Column:
        return Column(fieldname, label, fieldtype, options, time_zones.shown_zone(fieldtype, options, zones))

    out = {name: column(name, STANDARD_LABELS[name], STANDARD_TYPES[name], "User" if name in ("owner", "modified_by")
                        else None) for name in STANDARD_READABLE}
    if meta.is_submittable:
        out["docstatus"] = Column("docstatus", "Document Status", "Int")
    for df in meta.value_fields:
        if readable(df, levels):
            out[df.fieldname] = column(df.fieldname, df.label, df.fieldtype, df.options)
    return out


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _condition(ctx: ListContext, key: str, raw: str) -> Condition | None:
    ctx.column(key)
    text = raw.strip()
    if text.startswith("["):
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        if isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[0], str):
            op = " ".join(decoded[0].lower().split())
            if op not in OPERATORS:
                raise FilterError(_("Operator {0!r} is not allowed; use one of {1}",
                                    decoded[0], ', '.join(sorted(OPERATORS))))
            return Condition(key, op, _freeze(decoded[1]))
    if text == "":
        return None  # an empty box of the standard filter bar: no filter
    return Condition(key, "=", raw)


def _added(ctx: ListContext, params: dict[str, str]) -> Condition | None:
    """The "add filter" form's field / operator / value, as one condition (None when no field was chosen)."""
    fieldname = params.get("add_field", "").strip()
    if not fieldname:
        return None
    column = ctx.column(fieldname)
    op = " ".join(params.get("add_op", "=").lower().split()) or "="
    if op not in OPERATORS:
        raise FilterError(_("Operator {0!r} is not allowed; use one of {1}", op, ', '.join(sorted(OPERATORS))))
    value: Any = params.get("add_value", "")
    if op == "is":
        value = value if value in ("set", "not set") else "set"
    elif op == "between":
        value = [value, params.get("add_value_to", "")]
    elif op in ("in", "not in"):
        value = [v.strip() for v in value.split(",") if v.strip()]
    elif column.fieldtype == "Check" and op in ("=", "!="):
        value = "1" if _flag(value) else "0"
    return Condition(fieldname, op, _freeze(value))


def _freeze(value: Any) -> Any:
    """Lists as tuples, so conditions can be compared and de-duplicated."""
    if isinstance(value, dict):
        raise FilterError(_("A filter value must be text, a number or a list, not an object"))
    return tuple(_freeze(v) for v in value) if isinstance(value, list | tuple) else value


def _order(ctx: ListContext, text: str) -> tuple[tuple[str, str], ...]:
    terms = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise FilterError(_("Cannot sort by {0!r}: give a field and asc or desc", part.strip()))
        column = ctx.column(words[0], _("sort by"))
        if not column.sortable:
            raise FilterError(_("Cannot sort by {0}: long text is not sortable", _(column.label)))
        terms.append((column.fieldname, words[1].lower() if len(words) == 2 else "asc"))
    if len(terms) > MAX_ORDER_TERMS:
        raise FilterError(_("Sort by at most {0} fields", MAX_ORDER_TERMS))
    return tuple(terms)


def _positive(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise FilterError(_("{0} must be a whole number from 1 up, not {1!r}", what, value[:20]))
    return number


def default_order(ctx: ListContext) -> tuple[tuple[str, str], ...]:
    configured = ctx.settings.get("default_order")
    if isinstance(configured, str) and configured.strip():
        return _order(ctx, configured)
    meta = ctx.meta
    sort_field = meta.sort_field if meta.sort_field in ctx.columns else "modified"
    return ((sort_field, "desc" if meta.sort_order == "DESC" else "asc"),)


def parse_state(ctx: ListContext, pairs: Sequence[tuple[str, str]], *, report: bool = False) -> ListState:
    """The view state of a query string (as `(key, value)` pairs, repeats kept); defaults when it is empty."""
    if not pairs:
        defaults = ctx.settings.get("default_filters") or []
        preset = tuple(Condition(f, op, _freeze(v)) for f, op, v in defaults)
        for condition in preset:
            ctx.column(condition.fieldname)
        return ListState(conditions=preset, order=default_order(ctx))
    single = {k: v for k, v in pairs if k in CONTROL_KEYS}
    conditions = [c for c in (_condition(ctx, k, v) for k, v in pairs if k not in CONTROL_KEYS) if c]
    added = _added(ctx, single)
    if added is not None:
        conditions.append(added)
    page_length = _positive(single.get("page_length", str(PAGE_LENGTHS[0])), "page_length")
    if page_length not in PAGE_LENGTHS:
        raise FilterError(_("page_length must be one of {0}", ', '.join(map(str, PAGE_LENGTHS))))
    fields: list[str] = []
    if report:
        for value in (v for k, v in pairs if k == "fields"):
            fields.extend(f.strip() for f in value.split(",") if f.strip())
        for name in fields:
            ctx.column(name, _("show"))
        if len(fields) > MAX_REPORT_FIELDS:
            raise FilterError(_("A report shows at most {0} columns", MAX_REPORT_FIELDS))
    group_by = single.get("group_by", "").strip()
    if group_by:
        ctx.column(group_by, _("group by"))
    return ListState(
        conditions=tuple(dict.fromkeys(conditions)),
        order=_order(ctx, single.get("order_by", "")) or default_order(ctx),
        page=_positive(single.get("page", "1"), "page"), page_length=page_length,
        assigned_to_me=_flag(single.get("assigned_to_me", "")) and bool(ctx.settings.get("assigned_to_field")),
        created_by_me=_flag(single.get("created_by_me", "")),
        fields=tuple(dict.fromkeys(fields)), group_by=group_by)


def _resolved(ctx: ListContext, condition: Condition) -> Any:
    """A condition's value with `today` as the date (for Date and Datetime fields)."""
    column = ctx.columns[condition.fieldname]
    if column.fieldtype not in ("Date", "Datetime"):
        return condition.value

    def one(value: Any) -> Any:
        return today().isoformat() if isinstance(value, str) and value.strip().lower() == "today" else value

    return [one(v) for v in condition.value] if isinstance(condition.value, tuple) else one(condition.value)


def _thawed(value: Any) -> Any:
    return [_thawed(v) for v in value] if isinstance(value, tuple) else value


def query_filters(ctx: ListContext, state: ListState, *, skip_field: str = "") -> list[list[Any]]:
    """The state's filters in `get_list` form (quick filters included)."""
    out = [[c.fieldname, c.operator, _thawed(_resolved(ctx, c))] for c in state.conditions if c.fieldname != skip_field]
    assigned = ctx.settings.get("assigned_to_field")
    if state.assigned_to_me and assigned and assigned != skip_field:
        out.append([assigned, "=", session_user()])
    if state.created_by_me and skip_field != "owner":
        out.append(["owner", "=", session_user()])
    return out


def order_by(state: ListState) -> str:
    """The state's order with the name as a tie-break, so paging never repeats or skips a row."""
    terms = list(state.order)
    if all(f != "name" for f, _ in terms):
        terms.append(("name", terms[0][1] if terms else "desc"))
    return ", ".join(f"{f} {d}" for f, d in terms)


def fetch(ctx: ListContext, state: ListState, fieldnames: Iterable[str], *, start: int | None = None,
          limit: int | None = None) -> list[dict[str, Any]]:
    """The page of rows the state names (permission-checked)."""
    return user_queries.rows(
        ctx.meta.name, fields=list(dict.fromkeys(["name", *fieldnames])), filters=query_filters(ctx, state),
        order_by=order_by(state), limit_start=(state.page - 1) * state.page_length if start is None else start,
        limit_page_length=state.page_length if limit is None else limit)


def count(ctx: ListContext, state: ListState) -> ListCount:
    """The list's total: exact up to a threshold, the database's estimate beyond it (`estimated`)."""
    return user_queries.list_count(ctx.meta.name, query_filters(ctx, state))


def group_counts(ctx: ListContext, state: ListState, fieldname: str, *, limit: int | None = 10,
                 facet: bool = True) -> list[tuple[Any, int]]:
    """(value, count) of `fieldname` among the matching rows, most frequent first.

    As a sidebar facet the filters on `fieldname` itself are left out, so the other values stay
    in sight; a report grouped by a field counts exactly the rows it shows.
    """
    return user_queries.group_counts(ctx.meta.name, fieldname,
                                     query_filters(ctx, state, skip_field=fieldname if facet else ""), limit=limit)


def facet_counts(ctx: ListContext, state: ListState, fieldnames: Sequence[str], *,
                 limit: int | None = 10) -> dict[str, list[tuple[Any, int]]]:
    """`group_counts` as sidebar facets of several fields: those the state does not filter on share their
    filters, so they are counted together."""
    filtered = {c.fieldname for c in state.conditions}
    shared = [f for f in fieldnames if f not in filtered]
    counted = user_queries.facet_counts(ctx.meta.name, shared, query_filters(ctx, state), limit=limit)
    counted.update({f: group_counts(ctx, state, f, limit=limit) for f in fieldnames if f in filtered})
    return counted


def group_by_fields(ctx: ListContext) -> list[Column]:
    """The sidebar's fields: the list settings' `group_by`, else the Select and Link standard filters."""
    configured = ctx.settings.get("group_by")
    if isinstance(configured, list):
        return [ctx.columns[f] for f in configured if f in ctx.columns]
    return [ctx.columns[df.fieldname] for df in ctx.meta.value_fields
            if df.in_standard_filter and df.fieldtype in ("Select", "Link") and df.fieldname in ctx.columns]


def standard_filter_fields(ctx: ListContext) -> list[Column]:
    """The `in_standard_filter` fields, and the state field of the doctype's active workflow."""
    flow = workflow.get_workflow(ctx.meta.name)
    state_field = flow.workflow_state_field if flow is not None else ""
    return [ctx.columns[df.fieldname] for df in ctx.meta.value_fields
            if (df.in_standard_filter or df.fieldname == state_field) and df.fieldname in ctx.columns]


def equality_value(state: ListState, fieldname: str) -> str:
    """The value of the `=` filter on `fieldname` (what the standard filter bar shows), or ""."""
    for condition in state.conditions:
        if condition.fieldname == fieldname and condition.operator == "=" and isinstance(condition.value, str):
            return condition.value
    return ""

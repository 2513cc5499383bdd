"""`/app/<slug>`: the list view of any doctype, generated from its metadata and list settings.

Columns are the title (or name) and the `in_list_view` fields; the filter bar holds the
`in_standard_filter` fields; the sidebar counts the `group_by` fields of the list settings.
All of it works as plain links and GET forms (htmx only swaps the list in place and pushes the
URL); bulk actions are a POST form with the CSRF token. A Single doctype has no list: its
URL goes to its one form.

As in Frappe, the page answers with its rows first (one row more than a page tells whether there
is a next page) and the counts follow: the sidebar's group-by counts and the total, when the page
alone does not tell it, come from `/app/<slug>/view/counts` with the same state, which the page
loads as soon as it is shown (htmx). Without scripts the rows work as before and the sidebar offers
a link to the same list with its counts drawn in (`?counts=1`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.context import session_user
from smooth.i18n import language
from smooth.messages import _, _lazy
from smooth.meta.doctype import Meta
from smooth.model import time_zones
from smooth.pages.desk import bulk, cells, link_titles, list_rows
from smooth.pages.desk.access import doctype_for, require_desk_user
from smooth.pages.desk.access import slug as slug_of
from smooth.pages.desk.customize_form import customize_url, may_customize
from smooth.pages.desk.list_query import (
    COUNTS_KEY,
    OPERATOR_LABELS,
    PAGE_LENGTHS,
    Column,
    Condition,
    ListContext,
    ListState,
    columns_of,
    count,
    equality_value,
    facet_counts,
    fetch,
    group_by_fields,
    parse_state,
    standard_filter_fields,
)
from smooth.pages.desk.settings import view_settings
from smooth.pages.rendering import Redirect, render_page
from smooth.permissions import has_permission

OPERATOR_CHOICES = tuple((op, OPERATOR_LABELS[op]) for op in
                         ("=", "!=", "like", "not like", ">", "<", ">=", "<=", "in", "not in", "between", "is"))
# the words of OPERATOR_LABELS and STANDARD_LABELS, for the extractor: the page shows each in the reader's language
_SHOWN_WORDS = (_lazy("equals"), _lazy("not equals"), _lazy("like"), _lazy("not like"), _lazy("in"),
                _lazy("not in"), _lazy("between"), _lazy("is"), _lazy("ID"), _lazy("Created By"), _lazy("Created On"),
                _lazy("Last Updated On"), _lazy("Last Updated By"))


def show_counts(api: ApiRequest, slug: str) -> Response:
    """`/app/<slug>/view/counts?<state>`: the list's sidebar counts and total, the fragment its page loads."""
    require_desk_user(api)
    ctx = list_context(slug)
    state = parse_state(ctx, query_pairs(api))
    context = {"meta": ctx.meta, "slug": slug_of(ctx.meta.name), "state": state, **counted(ctx, state)}
    return render_page(api, "desk/_list_counts.html", context)


def single_form_url(meta: Meta) -> str:
    """Where a Single doctype's desk URL leads: its one form (rendered by the form view)."""
    return f"/app/{slug_of(meta.name)}/{quote(meta.name, safe='')}"


@dataclass(frozen=True)
class ListShape:
    """What a doctype's metadata alone decides of its list, for viewers reading times in the same zones: the
    readable columns, the filter fields by label and the sort choices. Kept per Meta (a reload of metadata
    makes new ones), so a page does not rebuild and re-sort them."""

    columns: dict[str, Column]
    fields: tuple[Column, ...]
    filter_choices: tuple[tuple[str, str], ...]
    sort_orders: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (order_by value, order)
    # (what, language) -> (value, words) pairs: the sort, field and operator choices as a reader's language shows them
    worded: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False)

    def in_language(self, what: str, build: Callable[[], tuple[tuple[str, str], ...]]) -> tuple[tuple[str, str], ...]:
        """`build()`'s choices, worked out once per language: every list page shows them (dozens of `_` calls)."""
        key = (what, language.current())
        found = self.worded.get(key)
        if found is None:
            found = self.worded[key] = build()
        return found


def _order_label(columns: dict[str, Column], order: tuple[tuple[str, str], ...]) -> str:
    """The sort select's words for `order`, in the reader's language (drawn per page: the shape is cached)."""
    names = _(", then ").join(_(columns[f].label) for f, _direction in order)
    return _("{0} (ascending)", names) if order[0][1] == "asc" else _("{0} (descending)", names)


@functools.lru_cache(maxsize=512)
def _shape(meta: Meta, zones: tuple[str, str]) -> ListShape:
    columns = columns_of(meta)  # reads the viewer's zones: the key's
    fields = tuple(sorted(columns.values(), key=lambda c: c.label.lower()))
    return ListShape(columns, fields, tuple((c.fieldname, c.label) for c in fields),
                     tuple((f"{c.fieldname} {d}", ((c.fieldname, d),)) for c in fields if c.sortable
                           for d in ("asc", "desc")))


def list_shape(meta: Meta) -> ListShape:
    return _shape(meta, time_zones.viewer_zones())


def list_context(slug_text: str, ptype: str = "read") -> ListContext:
    """The doctype a list URL names, when the user may `ptype` it (a 403 page otherwise)."""
    meta = doctype_for(slug_text)
    if meta.issingle:
        raise Redirect(single_form_url(meta))
    has_permission(meta.name, ptype, raise_exception=True)
    return ListContext(meta, view_settings(meta, "list"), dict(list_shape(meta).columns))


def list_columns(ctx: ListContext) -> list[Column]:
    """The title column first, then the `in_list_view` fields and the status indicator's field."""
    meta = ctx.meta
    title = meta.title_field if meta.title_field in ctx.columns else "name"
    shown = [ctx.columns[title]]
    shown += [ctx.columns[df.fieldname] for df in meta.value_fields
              if df.in_list_view and df.fieldname in ctx.columns and df.fieldname != title]
    indicator = cells.indicator_settings(meta, ctx.settings)
    if indicator and indicator[0] in ctx.columns and all(c.fieldname != indicator[0] for c in shown):
        shown.append(ctx.columns[indicator[0]])
    return shown


def query_pairs(api: ApiRequest) -> list[tuple[str, str]]:
    return list(api.request.query_params.multi_items())


def canonical(api: ApiRequest, path: str, state: ListState) -> None:
    """Send a GET of the "add filter" form (add_field=...) to the state's canonical URL, so the
    address bar, history and shared links hold the filter itself."""
    if api.method == "GET" and any(key.startswith("add_") for key, _ in query_pairs(api)):
        raise Redirect(path + state.query())


def column_titles(columns: list[Column], rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """{fieldname: {name: title}} of the Link columns whose doctype is shown by title, one read per column."""
    return {c.fieldname: link_titles.titles(c.options, (r.get(c.fieldname) for r in rows))
            for c in columns if c.fieldtype == "Link" and c.options and link_titles.title_field(c.options)}


def table_rows(ctx: ListContext, columns: list[Column], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    indicator = cells.indicator_settings(ctx.meta, ctx.settings)
    shown = column_titles(columns, rows)
    return [{"name": row["name"], "href": cells.form_url(ctx.meta.name, row["name"]),
             "cells": [cells.cell(c, row.get(c.fieldname), row, indicator, shown.get(c.fieldname))
                       for c in columns]} for row in rows]


def fetch_fields(ctx: ListContext, columns: list[Column]) -> list[str]:
    """The columns' fields plus what a Dynamic Link needs to name its target and a Time its zone."""
    names = [c.fieldname for c in columns]
    names += [c.options for c in columns if c.fieldtype == "Dynamic Link" and c.options]
    names += [c.options for c in columns if c.fieldtype == "Time" and c.options in ctx.columns]
    return list(dict.fromkeys(names))


def sidebar(ctx: ListContext, state: ListState) -> list[dict[str, Any]]:
    """Each group-by field with its values' counts and the link that filters on each value."""
    groups = []
    columns = group_by_fields(ctx)
    facets = facet_counts(ctx, state, [c.fieldname for c in columns])
    for column in columns:
        others = tuple(c for c in state.conditions if c.fieldname != column.fieldname)
        items = []
        counted = facets[column.fieldname]
        shown = column_titles([column], [{column.fieldname: value} for value, _ in counted]).get(column.fieldname, {})
        for value, number in counted:
            text = shown.get(str(value), cells.as_text(column, value)) or "(not set)"
            condition_value = "" if value is None or value == "" else str(value)
            condition = Condition(column.fieldname, "=", condition_value) if condition_value else \
                Condition(column.fieldname, "is", "not set")
            items.append({"text": text, "count": number, "active": condition in state.conditions,
                          "href": state.query(conditions=(*others, condition), page=1)})
        groups.append({"column": column, "items": items,
                       "clear_url": state.query(conditions=others, page=1)
                       if len(others) != len(state.conditions) else ""})
    return groups


def _worded(values: list[str]) -> tuple[tuple[str, str], ...]:
    """Each option with its words in the reader's language (it is stored and filtered in English)."""
    return tuple((value, _(value)) for value in values)


def filter_bar(ctx: ListContext, state: ListState, shape: ListShape) -> dict[str, Any]:
    """The standard filter bar's inputs and the hidden inputs that keep the rest of the state."""
    standard = standard_filter_fields(ctx)
    names = {c.fieldname for c in standard}
    kept = [c.param() for c in state.conditions if not (c.fieldname in names and c.operator == "=")]
    for key, value in state.params():
        if key in ("assigned_to_me", "created_by_me", "order_by", "page_length", "fields", "group_by"):
            kept.append((key, value))
    inputs = []
    for column in standard:
        options: tuple[tuple[str, str], ...] = ()
        df = ctx.meta.get_field(column.fieldname)
        if column.fieldtype == "Select" and df is not None:
            options = shape.in_language(f"options:{column.fieldname}", functools.partial(_worded, df.select_options))
        elif column.fieldtype == "Check":
            options = shape.in_language("check", lambda: (("1", _("Yes")), ("0", _("No"))))
        kind = "select" if options else "date" if column.fieldtype == "Date" else "text"
        inputs.append({"column": column, "kind": kind, "options": options,
                       "value": equality_value(state, column.fieldname)})
    return {"inputs": inputs, "hidden": kept}


def page_info(state: ListState, total: int | None, shown: int, *, more: bool = False,
              estimated: bool = False) -> dict[str, Any]:
    """Paging links; `total` None when only counting can tell it (`more`: rows follow this page), `estimated`
    when it is the database's estimate of a large count."""
    first = (state.page - 1) * state.page_length + 1 if shown else 0
    if total is None and not more and (shown or state.page == 1):
        total = first + shown - 1 if shown else 0
    has_next = more if total is None else bool(shown and first + shown - 1 < total)
    return {"first": first, "last": first + shown - 1 if shown else 0, "total": total, "estimated": estimated,
            "prev": state.query(page=state.page - 1) if state.page > 1 else "",
            "next": state.query(page=state.page + 1) if has_next else "",
            "lengths": [(n, state.query(page_length=n, page=1)) for n in PAGE_LENGTHS]}


def counted(ctx: ListContext, state: ListState) -> dict[str, Any]:
    """The counts a list shows besides its rows: the sidebar's groups and the paging with the total."""
    total = count(ctx, state)
    first = (state.page - 1) * state.page_length
    shown = max(0, min(state.page_length, total.number - first))
    return {"groups": sidebar(ctx, state),
            "page": page_info(state, total.number, shown, estimated=total.estimated)}


def sort_links(state: ListState, columns: list[Column]) -> dict[str, dict[str, str]]:
    """Per sortable column: its current direction ("" when not the first sort key) and the link that sorts by it."""
    first, direction = state.order[0] if state.order else ("", "")
    out = {}
    for column in columns:
        if not column.sortable:
            continue
        current = direction if column.fieldname == first else ""
        flipped = "asc" if current == "desc" else "desc" if current == "asc" else \
            ("asc" if column.fieldtype in ("Data", "Link", "Select") else "desc")
        out[column.fieldname] = {"current": current,
                                 "href": state.query(order=((column.fieldname, flipped),), page=1)}
    return out


def sort_choices(ctx: ListContext, state: ListState) -> tuple[tuple[str, str], ...]:
    """(order_by value, label) for the sort select: each sortable field both ways, plus the current order."""
    current = state.order_by
    shape = list_shape(ctx.meta)
    choices = shape.in_language("sort", lambda: tuple(
        (value, _order_label(shape.columns, order)) for value, order in shape.sort_orders))
    if state.order and all(value != current for value, _label in choices):
        return ((current, _order_label(ctx.columns, state.order)), *choices)
    return choices


def plural(doctype: str) -> str:
    """"Employee Documents", "LMS Classes", "Activities": the doctype's name for many records (English rules)."""
    head, _, last = doctype.rpartition(" ")
    if last[-1:] in "sx" or last.endswith(("ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1].lower() not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def view_context(api: ApiRequest, ctx: ListContext, state: ListState) -> dict[str, Any]:
    """What list and report views share: filters, chips, quick filters, sort choices, add-filter form."""
    meta = ctx.meta
    assigned = ctx.settings.get("assigned_to_field")
    shape = list_shape(meta)
    return {
        "meta": meta, "slug": slug_of(meta.name), "state": state, "plural": plural(meta.name),
        "chips": [{"text": c.describe(ctx.columns[c.fieldname]), "remove": state.without(c)}
                  for c in state.conditions],
        "quick": [q for q in (
            {"label": _("Assigned to me"), "active": state.assigned_to_me,
             "href": state.query(assigned_to_me=not state.assigned_to_me, page=1)} if assigned else None,
            {"label": _("Created by me"), "active": state.created_by_me,
             "href": state.query(created_by_me=not state.created_by_me, page=1)},
        ) if q],
        "clear_url": state.query(conditions=(), assigned_to_me=False, created_by_me=False, page=1),
        "bar": filter_bar(ctx, state, shape),
        "filter_fields": shape.fields,
        "filter_choices": shape.in_language("fields", lambda: tuple(
            (fieldname, _(label)) for fieldname, label in shape.filter_choices)),
        "operators": shape.in_language("operators", lambda: tuple((op, _(label)) for op, label in OPERATOR_CHOICES)),
        "sort_choices": sort_choices(ctx, state),
        "can_create": has_permission(meta.name, "create"),
        "can_report": has_permission(meta.name, "report"),
        "customize_url": customize_url(meta.name) if may_customize(session_user()) else "",
    }


def show_list(api: ApiRequest, slug: str) -> Response:
    require_desk_user(api)
    ctx = list_context(slug)
    state = parse_state(ctx, query_pairs(api))
    canonical(api, f"/app/{slug_of(ctx.meta.name)}", state)
    result = None
    if api.method == "POST":
        names = [key[len("select:"):] for key in api.form if key.startswith("select:")]
        result = bulk.run(ctx, str(api.form.get("bulk_action") or ""), names, api.form)
    columns = list_columns(ctx)
    rows = fetch(ctx, state, fetch_fields(ctx, columns), limit=state.page_length + 1)
    more = len(rows) > state.page_length
    rows = rows[:state.page_length]
    context = view_context(api, ctx, state)
    shown = table_rows(ctx, columns, rows)
    context.update({
        "columns": columns, "rows": shown, "rows_html": list_rows.rows_html(columns, shown),
        "page": page_info(state, None, len(rows), more=more),
        "sort": sort_links(state, columns), "groups": None, "group_fields": group_by_fields(ctx), "result": result,
        "set_choices": bulk.set_choices(ctx), "can_delete": has_permission(ctx.meta.name, "delete"),
        "can_write": has_permission(ctx.meta.name, "write"),
        "can_export": has_permission(ctx.meta.name, "export"),
    })
    if any(key == COUNTS_KEY for key, _ in query_pairs(api)):
        context.update(counted(ctx, state))
    response = render_page(api, "desk/list.html", context)
    if api.method == "GET" and api.request.headers.get("hx-request"):
        response.headers["HX-Push-Url"] = f"/app/{context['slug']}{state.query()}"
    return response

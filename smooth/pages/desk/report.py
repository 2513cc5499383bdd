"""`/app/<slug>/view/report`: chosen columns, the list's filters, group-by with counts, CSV export.

The report needs the `report` right on the doctype and the CSV the `export` right (Frappe's
rights of the same names). The CSV holds exactly what the page shows (the same columns,
filters, order and grouping) for every matching row the user may read, up to ROW_LIMIT rows;
a capped export says so in its last line and in the page. Cells that a spreadsheet would
run as a formula (starting with = + - @, a tab or a carriage return) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from smooth import access_log
from smooth.api.request import ApiRequest
from smooth.context import session_user
from smooth.csv_cells import escape_csv_formula
from smooth.exceptions import PermissionError
from smooth.messages import _
from smooth.pages.desk import cells
from smooth.pages.desk.access import require_desk_user
from smooth.pages.desk.access import slug as slug_of
from smooth.pages.desk.list_query import Column, ListContext, ListState, count, fetch, group_counts, parse_state
from smooth.pages.desk.listview import (
    canonical,
    fetch_fields,
    list_columns,
    list_context,
    page_info,
    query_pairs,
    sort_links,
    table_rows,
    view_context,
)
from smooth.pages.rendering import SECURITY_HEADERS, render_page
from smooth.permissions import has_permission

ROW_LIMIT = 10_000
COUNT = Column("count", "Count", "Int")


def report_columns(ctx: ListContext, state: ListState) -> list[Column]:
    if state.fields:
        return [ctx.columns[f] for f in state.fields]
    shown = list_columns(ctx)
    return [ctx.columns["name"], *(c for c in shown if c.fieldname != "name")]


def csv_cell_writer(column: Column) -> Callable[[Any], str]:
    """The column's value as a CSV cell's text, a formula-looking one quoted; made once per column, since an
    export writes a million rows of them (plain text, the most common value, skips the formatting)."""
    numeric, check = column.numeric, column.fieldtype == "Check"

    def cell(value: Any) -> str:
        if value is None or value == "":
            return ""
        if numeric and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        shown = value if isinstance(value, str) and not check else cells.as_text(column, value, localized=False)
        return escape_csv_formula(shown)

    return cell


def csv_cell(column: Column, value: Any) -> str:
    return csv_cell_writer(column)(value)


def require_export(doctype: str) -> None:
    """Frappe's `export` right, which the report's CSV and the list's Data Export both need."""
    if not has_permission(doctype, "export"):
        raise PermissionError(_("Not permitted: {0} may not export {1}", session_user(), _(doctype)))


def csv_response(ctx: ListContext, state: ListState, columns: list[Column]) -> Response:
    require_export(ctx.meta.name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.heading for c in columns])
    if state.group_by:
        groups = group_counts(ctx, state, state.group_by, limit=ROW_LIMIT + 1, facet=False)
        total, rows = len(groups), [{columns[0].fieldname: v, "count": n} for v, n in groups[:ROW_LIMIT]]
    else:
        rows = fetch(ctx, state, fetch_fields(ctx, columns), start=0, limit=ROW_LIMIT)
        total = count(ctx, state).number if len(rows) == ROW_LIMIT else len(rows)
    for row in rows:
        writer.writerow([csv_cell(c, row.get(c.fieldname)) for c in columns])
    if total > ROW_LIMIT:
        writer.writerow([f"Only the first {ROW_LIMIT:,} of {total:,} rows are exported; narrow the filters "
                         "to export the rest"])
    if ctx.meta.track_views:
        access_log.make_access_log(ctx.meta.name, f"{len(rows)} rows", "Export")
    filename = f"{ctx.meta.name.replace(' ', '_')}.csv"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def show_report(api: ApiRequest, slug: str) -> Response:
    require_desk_user(api)
    ctx = list_context(slug, "report")
    state = parse_state(ctx, [(k, v) for k, v in query_pairs(api) if k != "format"], report=True)
    canonical(api, f"/app/{slug_of(ctx.meta.name)}/view/report", state)
    if state.group_by:
        columns = [ctx.columns[state.group_by], COUNT]
    else:
        columns = report_columns(ctx, state)
    if api.request.query_params.get("format") == "csv":
        return csv_response(ctx, state, columns)
    if state.group_by:
        groups = group_counts(ctx, state, state.group_by, limit=ROW_LIMIT, facet=False)
        rows = [{"name": "", "cells": [cells.Cell(cells.as_text(columns[0], v) or "(not set)"),
                                       cells.Cell(str(n))]} for v, n in groups]
        total = sum(n for _, n in groups)
        page = {"groups": len(groups), "total": total}
    else:
        fetched = fetch(ctx, state, fetch_fields(ctx, columns))
        rows = table_rows(ctx, columns, fetched)
        counted = count(ctx, state)
        total = counted.number
        page = page_info(state, total, len(fetched), estimated=counted.estimated)
    context = view_context(api, ctx, state)
    chosen = {c.fieldname for c in columns} if not state.group_by else set(state.fields)  # chosen first, in order
    context.update({
        "columns": columns, "rows": rows, "page": page, "total": total, "row_limit": ROW_LIMIT,
        "capped": total > ROW_LIMIT and not state.group_by,
        "sort": {} if state.group_by else sort_links(state, columns),
        "can_export": has_permission(ctx.meta.name, "export"),
        "choices": [(c, True) for c in columns if c.fieldname in chosen] +
                   [(c, False) for c in context["filter_fields"] if c.fieldname not in chosen],
        "groupable": [c for c in context["filter_fields"] if c.sortable],
        "kept": [(k, v) for k, v in state.params() if k not in ("fields", "group_by", "page")],
        "list_url": state.query(fields=(), group_by="", page=1),
    })
    response = render_page(api, "desk/report.html", context)
    if api.request.headers.get("hx-request"):
        response.headers["HX-Push-Url"] = f"/app/{context['slug']}/view/report{state.query()}"
    return response

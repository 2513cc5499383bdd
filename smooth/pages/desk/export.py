"""`/app/<slug>/view/export?format=csv|xlsx&<list state>`: Data Export of the list view's rows.

Every row the list's filters match (the same state as the page: filters, quick filters, order),
in every field the user may read: the list's readable fields plus the raised ones (permlevel > 0)
their roles reach, never Password or hidden fields. The `export` right is needed, as for the report's
CSV, and a cell a spreadsheet would run as a formula is kept as text by the same rule.

A list can hold a million rows, so the export never holds them: it reads them a page of PAGE_ROWS
at a time in one unit of work (one transaction, so the pages agree), writes each to a temporary
file (openpyxl's write-only workbook for XLSX), and sends that file in chunks, removing it after.
An XLSX sheet holds at most Excel's 1,048,576 rows: a longer export says so in its last row.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from starlette.responses import Response

from smooth.api.method import file_download
from smooth.api.request import ApiRequest
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.pages.desk.access import require_desk_user
from smooth.pages.desk.list_query import Column, Condition, ListContext, ListState, columns_of, fetch, parse_state
from smooth.pages.desk.listview import fetch_fields, list_context, query_pairs
from smooth.pages.desk.report import csv_cell_writer, require_export
from smooth.permissions import field_levels
from smooth.whitelist import FileDownload

PAGE_ROWS = 2_000
KEYSET_FIELDS = ("name", "creation", "modified")
XLSX_ROW_LIMIT = 1_048_576 - 2  # Excel's rows, less the heading and the note of a cut export
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def export_columns(ctx: ListContext) -> list[Column]:
    """The readable fields at every permlevel the user's roles reach (the list's are level 0's), name first."""
    columns = columns_of(ctx.meta, field_levels(ctx.meta, "read"))
    return [columns["name"], *(c for name, c in columns.items() if name != "name")]


def export_rows(ctx: ListContext, state: ListState, columns: list[Column]) -> Iterator[dict[str, Any]]:
    """Every matching row the user may read, in the list's order, a page at a time."""
    fields = fetch_fields(ctx, columns)
    key = _keyset_key(state)
    if key is None:
        yield from _offset_pages(ctx, state, fields)
    else:
        yield from _keyset_pages(ctx, state, [*fields, key[0]], *key)


def _keyset_key(state: ListState) -> tuple[str, bool] | None:
    """(field, descending) when the order is one never-empty standard field (and the name) in one direction:
    then each page starts where the last ended, as fast deep in the list as at its top. Other orders page by
    offset, which a database pays for in rows skipped."""
    terms = [(f, d) for f, d in state.order if f != "name"]
    directions = {d for _f, d in state.order}
    if len(terms) > 1 or len(directions) > 1 or (terms and terms[0][0] not in KEYSET_FIELDS):
        return None
    return (terms[0][0] if terms else "name"), directions != {"asc"}


def _offset_pages(ctx: ListContext, state: ListState, fields: list[str]) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        page = fetch(ctx, state, fields, start=start, limit=PAGE_ROWS)
        yield from page
        if len(page) < PAGE_ROWS:
            return
        start += PAGE_ROWS


def _keyset_pages(ctx: ListContext, state: ListState, fields: list[str], key: str,
                  descending: bool) -> Iterator[dict[str, Any]]:
    """Pages of rows from the last key value on (`<=` or `>=`: rows sharing it may be left), skipping those of that
    value already sent (`tied`, rarely more than one: the name breaks ties in the same direction)."""
    last: Any = None
    tied: set[str] = set()
    while True:
        after = state if last is None else replace(
            state, conditions=(*state.conditions, Condition(key, "<=" if descending else ">=", last)))
        page = fetch(ctx, after, fields, start=0, limit=PAGE_ROWS + len(tied))
        fresh = [row for row in page if not (row[key] == last and row["name"] in tied)]
        yield from fresh
        if len(page) < PAGE_ROWS + len(tied) or not fresh:
            return
        if fresh[-1][key] != last:
            last, tied = fresh[-1][key], set()
        tied.update(row["name"] for row in fresh if row[key] == last)


def write_csv(out: IO[str], columns: list[Column], rows: Iterator[dict[str, Any]]) -> int:
    writer = csv.writer(out)
    writer.writerow([c.heading for c in columns])
    cells = [(c.fieldname, csv_cell_writer(c)) for c in columns]
    written = 0
    for row in rows:
        writer.writerow([cell(row.get(fieldname)) for fieldname, cell in cells])
        written += 1
    return written


def xlsx_cell_writer(column: Column) -> Callable[[Any], Any]:
    """A number stays a number; anything else is the CSV's text (a formula-looking text quoted)."""
    text = csv_cell_writer(column)
    if not column.numeric:
        return text
    return lambda value: value if isinstance(value, int | float) and not isinstance(value, bool) else text(value)


def write_xlsx(path: Path, title: str, columns: list[Column], rows: Iterator[dict[str, Any]]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([c.heading for c in columns])
    writers = [(c.fieldname, xlsx_cell_writer(c)) for c in columns]
    written = 0
    for row in rows:
        if written == XLSX_ROW_LIMIT:
            sheet.append([f"Only the first {XLSX_ROW_LIMIT:,} rows fit in a sheet; export CSV for all of them"])
            break
        cells = []
        for fieldname, write in writers:
            cell = WriteOnlyCell(sheet, value=write(row.get(fieldname)))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
        written += 1
    book.save(path)
    return written


def show_export(api: ApiRequest, slug: str) -> Response:
    require_desk_user(api)
    ctx = list_context(slug)
    kind = str(api.request.query_params.get("format") or "csv")
    if kind not in FORMATS:
        raise ValidationError(_("Export as csv or xlsx, not {0!r}", kind))
    require_export(ctx.meta.name)
    state = parse_state(ctx, [(k, v) for k, v in query_pairs(api) if k != "format"])
    columns = export_columns(ctx)
    fd, name = tempfile.mkstemp(prefix="export-", suffix=f".{kind}")
    path = Path(name)
    try:
        if kind == "csv":
            with open(fd, "w", encoding="utf-8-sig", newline="") as out:
                write_csv(out, columns, export_rows(ctx, state, columns))
        else:
            os.close(fd)
            write_xlsx(path, ctx.meta.name, columns, export_rows(ctx, state, columns))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    filename = f"{ctx.meta.name.replace(' ', '_')}.{kind}"
    return file_download(FileDownload(path, filename, FORMATS[kind], remove_after=True))

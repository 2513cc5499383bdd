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
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from starlette.responses import Response

from smooth.api.method import file_download
from smooth.api.request import ApiRequest
from smooth.exceptions import ValidationError
from smooth.pages.desk.access import require_desk_user
from smooth.pages.desk.list_query import Column, ListContext, ListState, columns_of, fetch, parse_state
from smooth.pages.desk.listview import fetch_fields, list_context, query_pairs
from smooth.pages.desk.report import csv_cell_writer, require_export
from smooth.permissions import field_levels
from smooth.whitelist import FileDownload

PAGE_ROWS = 2_000
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
    start = 0
    while True:
        page = fetch(ctx, state, fields, start=start, limit=PAGE_ROWS)
        yield from page
        if len(page) < PAGE_ROWS:
            return
        start += PAGE_ROWS


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
        raise ValidationError(f"Export as csv or xlsx, not {kind!r}")
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

"""A spreadsheet file as rows of cells, and rows back to a file: CSV (UTF-8, a BOM tolerated) or XLSX.

Data Import reads what people export from Excel, LibreOffice or another system; its templates and
failed-row downloads are written the same two ways. A text cell a spreadsheet would run as a
formula is written with a leading quote (`smooth.csv_cells`), in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from smooth.csv_cells import escape_csv_formula
from smooth.exceptions import ValidationError
from smooth.messages import _

Row = list[Any]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")


def file_format(file_name: str) -> str:
    ext = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if ext not in FORMATS:
        raise ValidationError(_("{0} is not a spreadsheet Data Import reads: upload a .csv or .xlsx file",
                                file_name or _("The file")))
    return ext


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trimmed(rows: Iterable[Sequence[Any]]) -> list[Row]:
    """Rows without wholly empty ones at the end (spreadsheets keep formatted, empty rows)."""
    out = [[None if _blank(c) else (c.strip() if isinstance(c, str) else c) for c in row] for row in rows]
    while out and all(c is None for c in out[-1]):
        out.pop()
    return out


def read_rows(content: bytes, file_name: str) -> list[Row]:
    """Every row of the file (the first is the header), cells as the file holds them: text from CSV,
    numbers, dates and text from XLSX."""
    if file_format(file_name) == "xlsx":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors on a damaged file
            raise ValidationError(_("{0} is not a readable XLSX workbook ({1})",
                                    file_name, type(exc).__name__)) from None
        try:
            sheet = book.worksheets[0]
            return _trimmed(sheet.iter_rows(values_only=True))
        finally:
            book.close()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("{0} is not UTF-8 text: save the CSV as UTF-8", file_name)) from None
    return _trimmed(csv.reader(io.StringIO(text, newline="")))


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return escape_csv_formula(value)
    if isinstance(value, dt.date | dt.time | int | float) or value is None:
        return value
    return str(value)


def write_rows(path: Path, rows: Iterable[Sequence[Any]], fmt: str) -> None:
    """Rows to a CSV or XLSX file at `path`."""
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in rows:
            sheet.append([_cell(v) for v in row])
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])

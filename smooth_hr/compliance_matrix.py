"""The Compliance Matrix: employees down, compliance types across, each cell the record's status.

Employees are read a page at a time through `smooth.get_list`, so the user's DocPerms and record
rules apply (a manager sees their reporting line, HR everyone), and so do the cells: a record the
user may not read is an empty cell, the same as no record. The CSV export walks every page.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import smooth
from smooth import _
from smooth_hr.permissions import subtree

PAGE_SIZE = 50
EXPORT_CHUNK = 500
DOCTYPE = "Employee Compliance"
PAGE_URL = "/app/compliance-matrix"
NO_RECORD = "—"


@dataclass
class Cell:
    status: str
    renewal_date: dt.date | None
    url: str


@dataclass
class Row:
    employee: str
    employee_name: str
    department: str
    cells: list[Cell | None] = field(default_factory=list)


@dataclass
class Matrix:
    compliance_types: list[str]
    rows: list[Row]
    page: int
    has_next: bool
    employees: int


def employee_filters(department: str = "", manager: str = "") -> dict[str, Any]:
    """Active employees, of one department and/or in one manager's reporting line (the whole line below)."""
    filters: dict[str, Any] = {"status": "Active"}
    if department:
        filters["department"] = department
    if manager:
        if not smooth.db.exists("Employee", manager):
            raise smooth.ValidationError(_("Manager {0} is not an Employee: pick one from the list", manager))
        filters["name"] = ["in", subtree(manager)]
    return filters


def compliance_types() -> list[str]:
    return smooth.get_list("Compliance Type", pluck="name", order_by="name asc", limit_page_length=0)


def _employees(filters: dict[str, Any], start: int, length: int) -> list[dict[str, Any]]:
    return smooth.get_list("Employee", filters=filters, fields=["name", "employee_name", "department"],
                           order_by="employee_name asc, name asc", limit_start=start, limit_page_length=length)


def _rows(employees: list[dict[str, Any]], types: list[str]) -> list[Row]:
    column = {name: i for i, name in enumerate(types)}
    rows = {e["name"]: Row(e["name"], e["employee_name"] or e["name"], e["department"] or "", [None] * len(types))
            for e in employees}
    if rows:
        for record in smooth.get_list(DOCTYPE, filters={"employee": ["in", list(rows)]},
                                      fields=["name", "employee", "compliance_type", "status", "renewal_date"],
                                      order_by="", limit_page_length=0):
            i = column.get(record["compliance_type"])
            if i is not None:
                rows[record["employee"]].cells[i] = Cell(
                    record["status"] or "", record["renewal_date"],
                    f"/app/{DOCTYPE.lower().replace(' ', '-')}/{record['name']}")
    return list(rows.values())


def get_matrix(department: str = "", manager: str = "", page: int = 1) -> Matrix:
    if not smooth.has_permission(DOCTYPE, "read"):
        raise smooth.PermissionError(_("Not permitted: {0} may not read {1}", smooth.session.user, _(DOCTYPE)))
    page = max(1, page)
    filters = employee_filters(department, manager)
    types = compliance_types()
    employees = _employees(filters, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    total = int(smooth.get_list("Employee", filters=filters, fields=["count(*) as count"], order_by="")[0]["count"])
    return Matrix(types, _rows(employees[:PAGE_SIZE], types), page, len(employees) > PAGE_SIZE, total)


def page_url(**params: Any) -> str:
    query = {key: value for key, value in params.items() if value not in ("", None, 1)}
    return f"{PAGE_URL}?{urlencode(query)}" if query else PAGE_URL


def _all_rows(filters: dict[str, Any], types: list[str]) -> Iterator[Row]:
    start = 0
    while True:
        employees = _employees(filters, start, EXPORT_CHUNK)
        yield from _rows(employees, types)
        if len(employees) < EXPORT_CHUNK:
            return
        start += EXPORT_CHUNK


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return NO_RECORD
    return f"{cell.status} (renews {cell.renewal_date})" if cell.renewal_date else cell.status


def download_matrix(department: str = "", manager: str = "") -> smooth.FileDownload:
    """The whole filtered matrix as CSV (export right on Employee Compliance needed)."""
    if not smooth.has_permission(DOCTYPE, "export"):
        raise smooth.PermissionError(_("Not permitted: {0} may not export {1}", smooth.session.user, _(DOCTYPE)))
    filters = employee_filters(department, manager)
    types = compliance_types()
    handle = tempfile.NamedTemporaryFile("w", newline="", encoding="utf-8", prefix="compliance-matrix-",
                                         suffix=".csv", delete=False)
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(["Employee", "Employee Name", "Department", *types])
            for row in _all_rows(filters, types):
                writer.writerow([smooth.escape_csv_formula(str(v)) for v in
                                 (row.employee, row.employee_name, row.department, *map(cell_text, row.cells))])
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    stamp = smooth.now_datetime().strftime("%Y%m%d-%H%M%S")
    return smooth.FileDownload(Path(handle.name), f"compliance-matrix-{stamp}.csv", "text/csv", remove_after=True)

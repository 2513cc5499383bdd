"""The daily compliance score per department, and its history for the Compliance Matrix chart.

A score is the share of a department's Employee Compliance records that are valid today (Complete or
Expiring). Taken by the daily compliance job right after the statuses are updated, so it counts the
day's statuses; a rerun or a second scheduler on the same day updates the day's rows instead of adding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import smooth

SNAPSHOT = "Compliance Score Snapshot"
STATUSES = ("Complete", "Expiring", "Expired", "Pending")
VALID = ("Complete", "Expiring")
NO_DEPARTMENT = "(No department)"


def score(counts: dict[str, int]) -> float:
    total = sum(counts.values())
    return round(100.0 * sum(counts.get(s, 0) for s in VALID) / total, 1) if total else 0.0


def department_counts() -> dict[str, dict[str, int]]:
    """{department ("" for none): {status: count}} over every record (the job runs as Administrator)."""
    counts: dict[str, dict[str, int]] = {}
    for row in smooth.get_all("Employee Compliance", fields=["department", "status", "count(*) as count"],
                              filters={"status": ["in", STATUSES]},  # not those of people who left
                              group_by="department, status", order_by=""):
        per_status = counts.setdefault(row["department"] or "", {})
        per_status[row["status"]] = per_status.get(row["status"], 0) + int(row["count"])
    return counts


def take_snapshot(day: dt.date | None = None) -> int:
    """Write (or rewrite) the day's row for each department; the number of rows written."""
    day = day or smooth.today()
    written = 0
    for department, counts in department_counts().items():
        values = {"total": sum(counts.values()), "score": score(counts),
                  **{status.lower(): counts.get(status, 0) for status in STATUSES}}
        _upsert(day, department, values)
        written += 1
    return written


def _upsert(day: dt.date, department: str, values: dict[str, Any]) -> None:
    doc = smooth.new_doc(SNAPSHOT)
    doc.update({"snapshot_date": day, "department": department or None, **values})
    try:
        with smooth.savepoint():
            doc.insert(ignore_permissions=True, ignore_links=True)
    except (smooth.DuplicateEntryError, smooth.UniqueValidationError):
        smooth.db.set_value(SNAPSHOT, f"{day} {department or NO_DEPARTMENT}", values)


@dataclass
class History:
    """Scores per department over the last days that have a snapshot, oldest first."""

    dates: list[dt.date] = field(default_factory=list)
    departments: dict[str, list[float | None]] = field(default_factory=dict)


def history(days: int = 8, departments: list[str] | None = None) -> History:
    """The last `days` snapshot dates (a missed day is not drawn as zero: it is just not there)."""
    dates = sorted({_date(d) for d in smooth.get_list(SNAPSHOT, pluck="snapshot_date", distinct=True,
                                                      order_by="snapshot_date desc", limit_page_length=days)})
    result = History(dates=dates)
    if not dates:
        return result
    filters: dict[str, Any] = {"snapshot_date": ["in", dates]}
    if departments is not None:
        filters["department"] = ["in", departments]
    index = {day: i for i, day in enumerate(dates)}
    for row in smooth.get_list(SNAPSHOT, filters=filters, fields=["snapshot_date", "department", "score"],
                               order_by="department asc", limit_page_length=0):
        line = result.departments.setdefault(row["department"] or NO_DEPARTMENT, [None] * len(dates))
        line[index[_date(row["snapshot_date"])]] = float(row["score"] or 0)
    return result


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

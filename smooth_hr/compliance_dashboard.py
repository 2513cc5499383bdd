"""The compliance dashboard's numbers: Employee Compliance counted by status, by renewal window, by department.

Every number is one SQL aggregate (COUNT ... GROUP BY) through `smooth.get_list`, so the
user's DocPerms and record rules apply: a manager's dashboard counts their team only, HR's
counts everyone. Each count comes with the route options of the list that shows exactly
those rows (`/app/employee-compliance?status=Expired`), so a number is always one click from
its records. Also over REST: `GET /api/method/smooth_hr.compliance_dashboard.get_dashboard`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

import smooth

DOCTYPE = "Employee Compliance"
LIST_URL = "/app/employee-compliance"
STATUSES = ("Pending", "Complete", "Expiring", "Expired")
WINDOWS = (30, 60, 90)
NO_DEPARTMENT = "(No department)"


@dataclass
class Count:
    label: str
    count: int
    url: str


@dataclass
class DepartmentRow:
    department: str
    url: str
    total: int = 0
    statuses: list[Count] = field(default_factory=list)


def list_url(filters: list[tuple[str, Any]]) -> str:
    """The Employee Compliance list filtered like this: `?field=value`, or `?field=["op", value]` (JSON)."""
    pairs = [(name, value if isinstance(value, str) else json.dumps(value)) for name, value in filters]
    return f"{LIST_URL}?{urlencode(pairs)}" if pairs else LIST_URL


def _department_filter(department: str | None) -> tuple[str, Any]:
    return ("department", department) if department else ("department", ["is", "not set"])


def _grouped(fields: list[str], group_by: str) -> list[dict[str, Any]]:
    return smooth.get_list(DOCTYPE, fields=[*fields, "count(*) as count"], group_by=group_by, order_by="")


def by_status() -> list[Count]:
    counts = {row["status"]: int(row["count"]) for row in _grouped(["status"], "status")}
    return [Count(status, counts.get(status, 0), list_url([("status", status)])) for status in STATUSES]


def _count(filters: dict[str, Any]) -> int:
    return int(smooth.get_list(DOCTYPE, filters=filters, fields=["count(*) as count"], order_by="")[0]["count"])


def renewal_windows() -> list[Count]:
    """Rows whose renewal date falls between today and today + N days (N = 30, 60, 90)."""
    today = smooth.today()
    windows = []
    for days in WINDOWS:
        span = ["between", [today.isoformat(), smooth.add_days(today, days).isoformat()]]
        windows.append(Count(f"Renewal due within {days} days", _count({"renewal_date": span}),
                             list_url([("renewal_date", span)])))
    return windows


def by_department() -> list[DepartmentRow]:
    counts: dict[str, dict[str, int]] = {}
    for row in _grouped(["department", "status"], "department, status"):
        per_status = counts.setdefault(row["department"] or "", {})
        per_status[row["status"]] = per_status.get(row["status"], 0) + int(row["count"])
    rows = []
    for department, per_status in counts.items():
        where = _department_filter(department)
        rows.append(DepartmentRow(
            department or NO_DEPARTMENT, list_url([where]), sum(per_status.values()),
            [Count(status, per_status.get(status, 0), list_url([where, ("status", status)])) for status in STATUSES]))
    return sorted(rows, key=lambda r: (r.department == NO_DEPARTMENT, r.department.lower()))


@smooth.whitelist(methods=("GET",))
def get_dashboard() -> dict[str, Any]:
    """Counts by status, by renewal window and by department, each with the URL of its filtered list."""
    statuses = by_status()
    return {
        "total": sum(c.count for c in statuses),
        "by_status": [asdict(c) for c in statuses],
        "renewal_windows": [asdict(c) for c in renewal_windows()],
        "by_department": [asdict(d) for d in by_department()],
    }

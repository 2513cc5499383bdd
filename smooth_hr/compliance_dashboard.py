"""The compliance dashboard's numbers: Employee Compliance counted by status, by renewal window, by department,
and the filed Employee Documents about to expire.

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
DOCUMENT = "Employee Document"
DOCUMENT_LIST_URL = "/app/employee-document"
DOCUMENT_WINDOW = 30
DOCUMENTS_SHOWN = 10


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


def list_url(filters: list[tuple[str, Any]], base: str = LIST_URL) -> str:
    """The Employee Compliance list (or `base`) filtered like this: `?field=value`, or `?field=["op", value]`."""
    pairs = [(name, value if isinstance(value, str) else json.dumps(value)) for name, value in filters]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _department_filter(department: str | None) -> tuple[str, Any]:
    return ("department", department) if department else ("department", ["is", "not set"])


def _grouped(fields: list[str], group_by: str) -> list[dict[str, Any]]:
    return smooth.get_list(DOCTYPE, fields=[*fields, "count(*) as count"], group_by=group_by, order_by="")


def by_status() -> list[Count]:
    counts = {row["status"]: int(row["count"]) for row in _grouped(["status"], "status")}
    return [Count(status, counts.get(status, 0), list_url([("status", status)])) for status in STATUSES]


def _count(filters: dict[str, Any], doctype: str = DOCTYPE) -> int:
    return int(smooth.get_list(doctype, filters=filters, fields=["count(*) as count"], order_by="")[0]["count"])


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


def expiring_documents(days: int = DOCUMENT_WINDOW) -> dict[str, Any]:
    """Current Employee Documents (not superseded by a renewal) expiring within `days`, and those already lapsed:
    counts with their lists, and the first few to act on."""
    if not smooth.has_permission(DOCUMENT, "read"):
        return {"days": days, "count": 0, "expired": 0, "rows": [], "url": DOCUMENT_LIST_URL,
                "expired_url": DOCUMENT_LIST_URL}
    today = smooth.today()
    current = ("superseded_by", ["is", "not set"])
    soon = ("expiry_date", ["between", [today.isoformat(), smooth.add_days(today, days).isoformat()]])
    # a range from a floor, not `<`: Frappe's `<` matches a document without an expiry date too
    lapsed = ("expiry_date", ["between", ["1900-01-01", smooth.add_days(today, -1).isoformat()]])
    return {
        "days": days,
        "count": _count(dict([soon, current]), DOCUMENT), "url": list_url([soon, current], DOCUMENT_LIST_URL),
        "expired": _count(dict([lapsed, current]), DOCUMENT),
        "expired_url": list_url([lapsed, current], DOCUMENT_LIST_URL),
        "rows": smooth.get_list(DOCUMENT, filters=dict([soon, current]), order_by="expiry_date asc",
                                fields=["name", "employee_name", "document_type", "title", "expiry_date"],
                                limit_page_length=DOCUMENTS_SHOWN),
    }


@smooth.whitelist(methods=("GET",))
def get_dashboard() -> dict[str, Any]:
    """Counts by status, by renewal window and by department, each with the URL of its filtered list."""
    statuses = by_status()
    return {
        "total": sum(c.count for c in statuses),
        "by_status": [asdict(c) for c in statuses],
        "renewal_windows": [asdict(c) for c in renewal_windows()],
        "by_department": [asdict(d) for d in by_department()],
        "expiring_documents": expiring_documents(),
    }

"""Calendar arithmetic apps need for due dates, renewals and expiries (Frappe's `frappe.utils` date helpers)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any


def getdate(value: Any) -> dt.date:
    """A date from a date, a datetime or ISO text: stored values come back in any of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        return dt.date.fromisoformat(value.strip()[:10])
    raise ValueError(f"Not a date: {value!r}")


def add_days(day: Any, days: int) -> dt.date:
    return getdate(day) + dt.timedelta(days=int(days))


def add_months(day: Any, months: int) -> dt.date:
    """Month arithmetic that clamps to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    start = getdate(day)
    month0 = start.month - 1 + int(months)
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def date_diff(later: Any, earlier: Any) -> int:
    return (getdate(later) - getdate(earlier)).days

"""What an Employee Compliance row's status is on a given day: one rule for the form and the daily job."""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth

PENDING, COMPLETE, EXPIRING, EXPIRED = "Pending", "Complete", "Expiring", "Expired"


def reminder_days(schedule: str | None) -> list[int]:
    """`"90, 60, 30, 7"` as [90, 60, 30, 7]: largest first, so the first is the Expiring lead time."""
    days: set[int] = set()
    for part in (schedule or "").replace(";", ",").split(","):
        text = part.strip()
        if not text:
            continue
        if not text.isdigit() or int(text) <= 0:
            raise smooth.ValidationError(
                f"Reminder Schedule: '{text}' is not a number of days; write whole days before renewal, "
                "e.g. 90, 60, 30, 7")
        days.add(int(text))
    return sorted(days, reverse=True)


def renewal_date(completion_date: Any, renewal_period_months: int | None) -> dt.date | None:
    if not completion_date or not renewal_period_months:
        return None
    return smooth.add_months(completion_date, int(renewal_period_months))


def status_on(day: dt.date, completion_date: Any, renewal: Any, lead_days: int) -> str:
    """Pending until completed; then Complete, Expiring inside the lead time, Expired after renewal."""
    if not completion_date:
        return PENDING
    if not renewal:
        return COMPLETE
    renew = smooth.getdate(renewal)
    if renew < day:
        return EXPIRED
    if lead_days and smooth.date_diff(renew, day) <= lead_days:
        return EXPIRING
    return COMPLETE

"""What an Employee Compliance row's status and reminder stage are on a given day: one rule for the form and the job.

A row's stages (its reminder windows, then the Expired notice) begin on fixed days around its renewal
date. The row stores the next day the daily job has work for it (`next_action_date`, indexed): the
controller sets it on every save and the job moves it on after each run, so the job reads the rows
due, never the calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth import _

PENDING, COMPLETE, EXPIRING, EXPIRED = "Pending", "Complete", "Expiring", "Expired"
NOT_APPLICABLE = "Not Applicable"  # the employee left: kept for audit, never moved or reminded again
UNTRACKED = (PENDING, NOT_APPLICABLE)  # statuses the dates do not decide
EXPIRED_STAGE = "Expired"
EXPIRED_NOTICE_DAYS = 30


def reminder_days(schedule: str | None) -> list[int]:
    """`"90, 60, 30, 7"` as [90, 60, 30, 7]: largest first, so the first is the Expiring lead time."""
    days: set[int] = set()
    for part in (schedule or "").replace(";", ",").split(","):
        text = part.strip()
        if not text:
            continue
        if not text.isdigit() or int(text) <= 0:
            raise smooth.ValidationError(
                _("Reminder Schedule: '{0}' is not a number of days; write whole days before renewal, "
                  "e.g. 90, 60, 30, 7", text))
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


def stage_windows(stages: list[int]) -> list[tuple[str, int, int]]:
    """(stage, fewest days left, most days left): each count of days left belongs to the latest stage due."""
    windows, low = [], 0
    for stage in sorted(stages):
        windows.append((str(stage), low, stage))
        low = stage + 1
    windows.append((EXPIRED_STAGE, -EXPIRED_NOTICE_DAYS, -1))
    return windows


def stage_on(day: dt.date, renewal: Any, stages: list[int]) -> str | None:
    """The stage a row renewing on `renewal` is in on `day` (None outside every window)."""
    left = (smooth.getdate(renewal) - day).days
    for stage, low, high in stage_windows(stages):
        if low <= left <= high:
            return stage
    return None


def next_stage_start(day: dt.date, renewal: Any, stages: list[int]) -> dt.date | None:
    """The first day after `day` on which a stage begins (None once the Expired notice is behind)."""
    renew = smooth.getdate(renewal)
    starts = [renew - dt.timedelta(days=high) for _stage, _low, high in stage_windows(stages)]
    return min((start for start in starts if start > day), default=None)


def due_on(day: dt.date, status: str, renewal: Any, stages: list[int]) -> dt.date | None:
    """When the job next has work for a row saved on `day`: that day inside a window, else the next stage's start.

    A row saved inside a window (a corrected date, an import) is due at once, so the next run
    sends the stage it is in; a Pending row, or one that never renews, is never due.
    """
    if status in UNTRACKED or not renewal:
        return None
    return day if stage_on(day, renewal, stages) else next_stage_start(day, renewal, stages)

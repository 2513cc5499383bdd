"""Every row's next action date at once: for rows written before the column, and after a schedule changes.

Per group of types with one schedule, set-based: rows inside their windows are due today (the
next run sends the stage each is in, unless already claimed), lapsed ones never again, and future
ones on their first stage's start, one UPDATE per renewal date (the day is a date arithmetic the
apps leave to no SQL dialect). A table of a million rows costs a few thousand statements, once.
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth_hr.compliance_status import COMPLETE, EXPIRED, EXPIRED_NOTICE_DAYS, EXPIRING, reminder_days

COMPLIANCE = "Employee Compliance"
FLOOR = dt.date(1900, 1, 1)


def stage_rows(kinds: list[str], stages: list[int], day: dt.date) -> None:
    """Set the next action date of every completed row of `kinds` (which share `stages`) as a save on `day` would."""
    lead = (stages or [0])[0]
    completed = [["compliance_type", "in", kinds], ["status", "in", [COMPLETE, EXPIRING, EXPIRED]]]
    first = day - dt.timedelta(days=EXPIRED_NOTICE_DAYS)
    last = day + dt.timedelta(days=lead)

    def stage(renewal: list[object], value: dt.date | None) -> None:
        smooth.db.set_value(COMPLIANCE, [*completed, ["renewal_date", *renewal]], {"next_action_date": value},
                            update_modified=False)

    stage(["between", [first, last]], day)
    stage(["between", [FLOOR, first - dt.timedelta(days=1)]], None)
    later = smooth.get_all(COMPLIANCE, filters=[*completed, ["renewal_date", ">", last]], fields=["renewal_date"],
                           distinct=True, pluck="renewal_date")
    for renewal in later:
        renew = smooth.getdate(renewal)
        stage(["=", renew], renew - dt.timedelta(days=lead))


def stage_all(day: dt.date) -> None:
    """Every Compliance Type's rows, a group of types with the same schedule at a time."""
    groups: dict[tuple[int, ...], list[str]] = {}
    for kind in smooth.get_all("Compliance Type", fields=["name", "reminder_days"], order_by="name asc"):
        groups.setdefault(tuple(reminder_days(kind["reminder_days"])), []).append(kind["name"])
    for stages, kinds in groups.items():
        stage_rows(kinds, list(stages), day)

"""The daily compliance job: statuses follow the calendar, then retraining and staged reminders.

Statuses move with set-based UPDATEs (`smooth.db.set_value` with filters), one per transition and
group of Compliance Types sharing a lead time, so a million rows cost a handful of statements and
no row is loaded into Python. Each names its types, statuses and a renewal range, which the
(compliance_type, status, renewal_date) index reads exactly: with the index led by the status, each
Expiring move read every still-Complete row of the other types inside its window (8.6 s of 18.7 at
1,000,000 rows, MariaDB); a row they move is due today (so one whose dates were written past
its controller is caught too). Retraining and reminders then read only the rows due, by their
stored next action date (see compliance_reminders), and move each on to its next stage, so their
cost follows the rows due, not the size of the table. Status changes made here skip the document
(no Version row): the renewal date did not change, only the day did.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import smooth
from smooth_hr import compliance_reminders, compliance_scores
from smooth_hr.compliance_status import COMPLETE, EXPIRED, EXPIRING, reminder_days

log = logging.getLogger("smooth_hr.compliance_job")
COMPLIANCE = "Employee Compliance"
FLOOR = dt.date(1900, 1, 1)


def lead_days(schedule: str | None) -> int:
    """The Expiring lead time of a Compliance Type: its largest reminder day (0: never Expiring)."""
    return (reminder_days(schedule) or [0])[0]


def types_by_lead() -> dict[int, list[str]]:
    """Compliance Type names grouped by lead time: one UPDATE serves every type of a group."""
    groups: dict[int, list[str]] = {}
    for row in smooth.get_all("Compliance Type", fields=["name", "reminder_days"], order_by="name asc"):
        groups.setdefault(lead_days(row["reminder_days"]), []).append(row["name"])
    return groups


def _move(filters: list[list[Any]], status: str, day: dt.date, stamp: dt.datetime) -> int:
    return smooth.db.set_value(COMPLIANCE, filters, {"status": status, "next_action_date": day},
                               modified=stamp, modified_by=smooth.session.user)


def update_statuses(today: dt.date | None = None) -> dict[str, int]:
    """Expired past renewal, Expiring inside the lead time, Complete again when a renewal moved out of it.

    Returns how many rows moved to each status. Pending rows (never completed) are left alone.
    """
    day = today or smooth.today()
    stamp = smooth.now_datetime()
    counts = {EXPIRED: 0, EXPIRING: 0, COMPLETE: 0}
    groups = types_by_lead()
    # a range from a floor date, not `<`: Frappe's filters let `<` match NULL too, and a range uses the index
    counts[EXPIRED] = _move([["compliance_type", "in", [kind for kinds in groups.values() for kind in kinds]],
                             ["status", "in", [COMPLETE, EXPIRING]],
                             ["renewal_date", "between", [FLOOR, day - dt.timedelta(days=1)]]], EXPIRED, day, stamp)
    for lead, kinds in sorted(groups.items()):
        horizon = day + dt.timedelta(days=lead)
        if lead:
            counts[EXPIRING] += _move([["compliance_type", "in", kinds], ["status", "in", [COMPLETE, EXPIRED]],
                                       ["renewal_date", "between", [day, horizon]]], EXPIRING, day, stamp)
        counts[COMPLETE] += _move([["compliance_type", "in", kinds], ["status", "in", [EXPIRING, EXPIRED]],
                                   ["renewal_date", ">" if lead else ">=", horizon]], COMPLETE, day, stamp)
    return counts


def run_daily_compliance(today: dt.date | None = None) -> dict[str, Any]:
    """The scheduled job (hooks.py `scheduler_events` daily): statuses, then retraining, then reminders,
    then the day's score per department.

    One job for all so they run in this order even on several workers: reminders, retraining and
    scores read the statuses just updated.
    """
    day = today or smooth.today()
    result: dict[str, Any] = {"statuses": update_statuses(day)}
    result["retraining"], result["reminders"] = compliance_reminders.follow_up_due(day)
    result["scores"] = compliance_scores.take_snapshot(day)
    log.info("compliance job for %s: %s", day, result)
    return result

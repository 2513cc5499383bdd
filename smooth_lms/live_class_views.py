"""Live sessions as the portal shows them: upcoming ones in the reader's own zone, past ones with attendance.

The join link is shown from JOIN_OPENS before the start until the end (earlier, a learner
would wait in an empty room; later, there is nothing to join); a past session says whether the
reader attended, as the host recorded it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms.live_attendance import LIVE_CLASS, member_cohorts
from smooth_lms.notifications import format_slot
from smooth_lms.timezones import now_utc, to_wall

JOIN_OPENS = dt.timedelta(minutes=15)
FIELDS = ["name", "title", "batch_name", "batch_title", "course", "host", "host_name", "start_utc", "end_utc",
          "duration", "join_link", "description", "counts_toward_progress"]


def reader_zone(user: str) -> str:
    return str(smooth.db.get_value("User", user, "time_zone") or smooth.local.site.time_zone)


def _view(row: dict[str, Any], zone: str, moment: dt.datetime, attended: dict[str, bool] | None) -> dict[str, Any]:
    start, end = row["start_utc"], row["end_utc"]
    joinable = start - JOIN_OPENS <= moment < end
    view = {**row, "when": format_slot(start, end, zone), "zone": zone, "live_now": start <= moment < end,
            "join_url": row["join_link"] if joinable else None,
            "join_opens": f"{to_wall(start - JOIN_OPENS, zone):%H:%M}"}
    if attended is not None:
        view["attendance"] = "Attended" if attended.get(row["name"]) else "Not attended"
    return view


def sessions(user: str, cohorts: list[str], now: dt.datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """{"upcoming": [...], "past": [...]} of the cohorts' scheduled sessions, as `user` reads them."""
    moment = now or now_utc()
    rows = smooth.get_all(LIVE_CLASS, fields=FIELDS, order_by="start_utc asc",
                          filters={"batch_name": ["in", cohorts or [""]], "status": "Scheduled"})
    mine = set(member_cohorts(user))
    attended = {r["parent"]: bool(r["attended"]) for r in smooth.get_all(
        "LMS Live Class Attendance", fields=["parent", "attended"],
        filters={"parent": ["in", [r["name"] for r in rows] or [""]], "parenttype": LIVE_CLASS, "member": user})}
    zone = reader_zone(user)
    upcoming = [_view(r, zone, moment, None) for r in rows if r["end_utc"] > moment]
    past = [_view(r, zone, moment, attended if r["batch_name"] in mine else None)
            for r in reversed(rows) if r["end_utc"] <= moment]
    return {"upcoming": upcoming, "past": past}


def my_upcoming(user: str) -> list[dict[str, Any]]:
    """The dashboard's list: upcoming sessions of every cohort `user` is in."""
    return sessions(user, member_cohorts(user))["upcoming"]

"""Certificate requests, evaluations and certificates, with their history kept as it was.

They are records of what happened, so the booking rules (notice, slots, enrollment) are not
run again on them: a request is stored with the instants and active key its rules would have
derived, and a certificate keeps its Frappe LMS name as its number, so /verify accepts the old
number (the lookup reads numbers in capitals, as Frappe's lower-case hash names become).
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth_lms import certificates
from smooth_lms.frappe_migration.mapping import Migration, Row, Skip, Target
from smooth_lms.slots import WEEKDAYS
from smooth_lms.timezones import occurrences

REQUEST_STATES = {"Upcoming": "Pending", "Pending": "Pending", "Completed": "Completed", "Cancelled": "Cancelled"}
EVALUATION_STATES = {"Pending": "Pending", "In Progress": "Pending", "Pass": "Pass", "Fail": "Fail"}
NUMBER_LENGTH = 32  # what /verify reads of a number


def request(m: Migration, row: Row) -> Target:
    if "status" in row:
        status = REQUEST_STATES.get(row.get("status") or "Upcoming")
        if not status:
            raise Skip(f"unknown status {row.get('status')!r}")
    else:  # Frappe LMS before requests had a status: a past slot took place, a coming one is pending
        status = "Completed" if row.get("date") and str(row["date"])[:10] < str(smooth.today()) else "Pending"
        m.report.note("Certificate requests had no status there: past ones came over Completed, coming ones "
                      "Pending.")
    member = m.need("User", row.get("member"), "member")
    course = m.need("LMS Course", row.get("course"), "course")
    if not (row.get("date") and row.get("start_time")):
        raise Skip("it has no date or start time")
    zone_name = smooth.local.site.time_zone
    day = smooth.getdate(row["date"])
    start = _instant(day, _clock(row["start_time"]), zone_name)
    end = _instant(day, _clock(row["end_time"]), zone_name) if row.get("end_time") else None
    batch = m.state.target("LMS Batch", row.get("batch_name"))
    active_key = "|".join((member, course, batch or "")) if status == "Pending" else None
    if active_key and smooth.db.exists("LMS Certificate Request", {"active_key": active_key}):
        raise Skip("the member already has a pending request for this course here")
    doc = smooth.get_doc({
        "doctype": "LMS Certificate Request", "member": member, "course": course, "batch_name": batch,
        "evaluator": m.state.target("User", row.get("evaluator")), "status": status, "date": day,
        "day": WEEKDAYS[day.weekday()], "start_time": row["start_time"], "end_time": row.get("end_time"),
        "start_utc": start, "end_utc": end, "timezone": row.get("timezone") or zone_name,
        "google_meet_link": row.get("google_meet_link"), "active_key": active_key,
        "meet_status": "Created" if row.get("google_meet_link") else "Not Configured"})
    doc.flags.ignore_validate = True  # a past booking: notice, slot and enrollment rules held when it was made
    doc.flags.ignore_workflow = True
    doc.insert(ignore_permissions=True)
    return "LMS Certificate Request", doc.name


def evaluation(m: Migration, row: Row) -> Target:
    """Frappe LMS's evaluation names no request: it joins the member's request for the course, that day if any."""
    status = EVALUATION_STATES.get(row.get("status") or "Pending")
    if not status:
        raise Skip(f"unknown status {row.get('status')!r}")
    member = m.need("User", row.get("member"), "member")
    course = m.need("LMS Course", row.get("course"), "course")
    requests = smooth.get_all("LMS Certificate Request", filters={"member": member, "course": course,
                                                                  "status": ["!=", "Cancelled"]},
                              fields=["name", "date", "status", "batch_name", "evaluator"], order_by="date desc")
    same_day = [r for r in requests if row.get("date") and str(r["date"]) == str(row["date"])[:10]]
    chosen = (same_day or requests or [None])[0]
    if not chosen:
        raise Skip("no certificate request of this member for this course to attach it to")
    doc = smooth.get_doc({
        "doctype": "LMS Certificate Evaluation", "certificate_request": chosen["name"], "member": member,
        "course": course, "batch_name": chosen["batch_name"],
        "evaluator": m.state.target("User", row.get("evaluator")) or chosen["evaluator"],
        "date": row.get("date") or chosen["date"], "status": status, "rating": row.get("rating"),
        "summary": row.get("summary")})
    doc.flags.ignore_validate = True  # the outcome was recorded there, by that site's rules
    doc.insert(ignore_permissions=True)
    if status in ("Pass", "Fail") and chosen["status"] == "Pending":
        smooth.db.set_value("LMS Certificate Request", chosen["name"], {"status": "Completed", "active_key": None})
    return "LMS Certificate Evaluation", doc.name


def certificate(m: Migration, row: Row) -> Target:
    member = m.need("User", row.get("member"), "member")
    course = m.need("LMS Course", row.get("course"), "course")
    number = row["name"].strip().upper()
    if len(number) > NUMBER_LENGTH:
        raise Skip(f"its name is longer than the {NUMBER_LENGTH} characters a certificate number has here")
    if smooth.db.exists("LMS Certificate", number):
        raise Skip(f"certificate number {number} is taken here")
    if not row.get("issue_date"):
        raise Skip("it has no issue date")
    passed = smooth.get_all("LMS Certificate Evaluation", filters={"member": member, "course": course,
                                                                   "status": "Pass"},
                            order_by="date desc", limit=1, pluck="name")
    doc = smooth.get_doc({
        "doctype": "LMS Certificate", "certificate_number": number, "member": member, "course": course,
        "batch_name": m.state.target("LMS Batch", row.get("batch_name")), "issue_date": row["issue_date"],
        "expiry_date": row.get("expiry_date"), "published": int(row.get("published") or 0),
        "evaluation": passed[0] if passed else None})
    current = certificates.current(member, course)
    newer = current and str(smooth.db.get_value("LMS Certificate", current, "issue_date")) > str(row["issue_date"])
    if current and newer:
        doc.superseded_by = current  # an earlier certificate of a re-certified member: history, still verifiable
    elif current:
        older = smooth.get_doc("LMS Certificate", current)
        older.flags.superseding = True  # gives up the one current place, as a re-certification here does
        older.save(ignore_permissions=True)
        doc.supersedes = current
    doc.insert(ignore_permissions=True)
    if current and not newer:
        smooth.db.set_value("LMS Certificate", current, "superseded_by", doc.name)
    if not doc.published:
        m.report.note("Unpublished certificates were carried unpublished: /verify does not show them.")
    return "LMS Certificate", doc.name


def _clock(value: str) -> dt.time:
    hours, minutes, *rest = str(value).split(":")
    seconds = float(rest[0]) if rest else 0.0
    return dt.time(int(hours), int(minutes), int(seconds))


def _instant(day: dt.date, clock: dt.time, zone_name: str) -> dt.datetime:
    found = occurrences(day, clock, zone_name)
    if not found:
        raise Skip(f"{clock:%H:%M} on {day} does not exist in {zone_name} (the clocks skip it)")
    return found[0]

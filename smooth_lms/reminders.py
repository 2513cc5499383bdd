"""Reminders before each evaluation, and the evaluators' morning digest (scheduled jobs).

A reminder for lead time L (LMS Settings `reminder_hours`, e.g. "24, 1") goes out once the
evaluation is at most L hours away, within REMINDER_WINDOW of that moment: a request booked
later than that gets no stale "in 24 hours" mail, and a scheduler that was down longer sends
none rather than a late one. Each mail is claimed by an LMS Notification Log row whose key
names the request, the lead time and the slot's start instant, inserted in the same
transaction as the queued mails: it goes out exactly once, a cancelled request gets none,
and a moved request (a new start instant, so a new key) gets reminders for its new time.
"""

from __future__ import annotations

import datetime as dt
import logging

import smooth
from smooth import _
from smooth_lms.notifications import REMINDER, emails_enabled, evaluator_zone, format_slot, send_request_mail
from smooth_lms.timezones import now_utc, occurrences, to_wall

log = logging.getLogger("smooth_lms.reminders")
REMINDER_WINDOW = dt.timedelta(minutes=30)
DIGEST = "Evaluator Daily Digest"
REQUEST = "LMS Certificate Request"


def reminder_leads() -> list[int]:
    """The lead times in hours from LMS Settings (malformed entries are logged and ignored)."""
    text = smooth.db.get_single_value("LMS Settings", "reminder_hours")
    leads = set()
    for part in str(text if text is not None else "24, 1").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.isdigit() and int(part) > 0:
            leads.add(int(part))
        else:
            log.warning("LMS Settings reminder_hours: %r is not a whole number of hours; ignored", part)
    return sorted(leads, reverse=True)


def claim(key: str, kind: str, request: str | None, recipient: str | None = None) -> bool:
    """Insert the log row that makes this notification go out once (False: it already went)."""
    try:
        with smooth.savepoint():
            smooth.get_doc({"doctype": "LMS Notification Log", "key": key, "kind": kind, "request": request,
                            "recipient": recipient}).insert(ignore_permissions=True)
    except (smooth.DuplicateEntryError, smooth.UniqueValidationError):
        return False
    return True


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due now; returns how many requests were reminded."""
    if not emails_enabled():
        return 0
    leads = reminder_leads()
    moment = now or now_utc()
    if not leads:
        return 0
    upcoming = smooth.get_all(REQUEST, filters={"status": "Pending", "start_utc": ["between", [
        moment, moment + dt.timedelta(hours=max(leads))]]}, pluck="name", order_by="start_utc asc")
    sent = 0
    for name in upcoming:
        doc = smooth.get_doc(REQUEST, name)
        for lead in leads:
            due = doc.start_utc - dt.timedelta(hours=lead)
            if not due <= moment < min(due + REMINDER_WINDOW, doc.start_utc):
                continue
            if claim(f"reminder:{name}:{lead}h:{doc.start_utc:%Y%m%dT%H%M}", "Reminder", name):
                send_request_mail(doc, REMINDER, doc.member, doc.timezone or smooth.local.site.time_zone,
                                  role="learner", lead_hours=lead)
                if doc.evaluator:
                    send_request_mail(doc, REMINDER, doc.evaluator, evaluator_zone(doc.evaluator),
                                      role="evaluator", lead_hours=lead)
                sent += 1
            break  # the nearest due lead only: a late-booked request does not get two at once
    return sent


def _day_bounds(day: dt.date, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a zone's calendar day starts and ends at (a midnight the clocks skip moves to 01:00)."""
    def first_instant(of: dt.date) -> dt.datetime:
        for hour in range(24):
            found = occurrences(of, dt.time(hour), zone_name)
            if found:
                return found[0]
        raise smooth.ValidationError(_("{0} has no hours in {1}", of, zone_name))
    return first_instant(day), first_instant(day + dt.timedelta(days=1))


def send_evaluator_digests(now: dt.datetime | None = None) -> int:
    """Hourly: to each evaluator whose local clock reads the digest hour, the day's evaluations (once a day)."""
    if not smooth.db.get_single_value("LMS Settings", "send_evaluator_digest") or not emails_enabled():
        return 0
    hour = int(smooth.db.get_single_value("LMS Settings", "evaluator_digest_hour") or 7)
    moment = now or now_utc()
    sent = 0
    for evaluator in smooth.get_all("Course Evaluator", pluck="evaluator"):
        zone_name = evaluator_zone(evaluator)
        local_now = to_wall(moment, zone_name)
        if local_now.hour != hour:
            continue
        start, end = _day_bounds(local_now.date(), zone_name)
        rows = smooth.get_all(REQUEST, filters={"evaluator": evaluator, "status": "Pending",
                                                "start_utc": [">=", start], "end_utc": ["<=", end]},
                              fields=["name", "start_utc", "end_utc", "member_name", "member", "course_title",
                                      "course", "google_meet_link"], order_by="start_utc asc")
        if not rows:
            continue
        if not claim(f"digest:{evaluator}:{local_now.date()}", "Digest", None, evaluator):
            continue
        with smooth.in_language(smooth.get_user_lang(evaluator)):
            items = [{"when": format_slot(r["start_utc"], r["end_utc"], zone_name), "name": r["name"],
                      "learner": r["member_name"] or r["member"], "course": r["course_title"] or r["course"],
                      "meet_link": r["google_meet_link"]} for r in rows]
            day = smooth.strftime(local_now, "%a %-d %b %Y")
        smooth.sendmail(evaluator, template=DIGEST, args={
            "recipient_name": smooth.db.get_value("User", evaluator, "full_name") or evaluator,
            "day": day, "zone": zone_name, "evaluations": items},
            reference_doctype="Course Evaluator", reference_name=evaluator)
        sent += 1
    return sent

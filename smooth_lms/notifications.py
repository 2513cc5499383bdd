"""Booking emails: the learner and the evaluator hear of every booking, move and cancellation.

The request's change enqueues a job that runs only after it is committed (a refused booking
sends nothing); the job queues each recipient's mail on its own, so a template that cannot be
rendered loses only its own mail: sendmail keeps it as an Error row, alerts the System
Managers, and the request's page tells its reader the mail was not sent. Mails are sent like
any other. Times are written in the recipient's own zone, one instant at a time
("Wed 3 Dec 2025, 14:00-14:30 (Asia/Kolkata)"):
the learner's zone is the one the request recorded, the evaluator's the one on their Course
Evaluator record (else their user zone, else the system's). The request's .ics goes with
every mail, so a calendar adds, moves or removes the one event. Templates are Email Template
records (fixtures, editable in the desk).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms import evaluators
from smooth_lms.calendar_file import request_ics
from smooth_lms.timezones import to_wall

BOOKED = "Evaluation Booked"
ASSIGNED = "Evaluation Assigned"
RESCHEDULED = "Evaluation Rescheduled"
CANCELLED = "Evaluation Cancelled"
REMINDER = "Evaluation Reminder"
MEET_LINK = "Evaluation Meet Link"


def format_slot(start_utc: dt.datetime, end_utc: dt.datetime, zone_name: str) -> str:
    """`Wed 3 Dec 2025, 14:00-14:30 (Asia/Kolkata)`, each end converted on its own."""
    start, end = to_wall(start_utc, zone_name), to_wall(end_utc, zone_name)
    day = smooth.strftime(start, "%a %-d %b %Y")
    until = f"{end:%H:%M}" if end.date() == start.date() else smooth.strftime(end, "%a %-d %b %Y %H:%M")
    return f"{day}, {start:%H:%M}-{until} ({zone_name})"


def evaluator_zone(evaluator: str) -> str:
    zone = evaluators.own_zone(evaluator) or smooth.db.get_value("User", evaluator, "time_zone")
    return str(zone or smooth.local.site.time_zone)


def emails_enabled() -> bool:
    value = smooth.db.get_single_value("LMS Settings", "send_evaluation_emails")
    return value is None or bool(value)


def send_request_mail(doc: Any, template: str, recipient: str, zone_name: str, *,
                      previous: tuple[dt.datetime, dt.datetime] | None = None, ics: bytes | None = None,
                      **extra: Any) -> str:
    """Queue `template` about request `doc` to `recipient`, its times in `zone_name`, with the .ics.

    `previous` (the old start and end instants of a moved request) becomes `previous_when`; `ics`, the
    request's .ics when the caller made it already (both parties get the same file).
    """
    values = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    with smooth.in_language(smooth.get_user_lang(recipient)):  # the times in the recipient's language, as the mail
        if previous is not None:
            extra["previous_when"] = format_slot(*previous, zone_name)
        args = {"doc": values, "when": format_slot(values["start_utc"], values["end_utc"], zone_name),
                "zone": zone_name, "recipient": recipient,
                "recipient_name": smooth.db.get_value("User", recipient, "full_name") or recipient,
                "meet_link": values.get("google_meet_link") or "", **extra}
    if ics is None:
        ics = request_ics(values, smooth.local.site.name)
    return smooth.sendmail(recipient, template=template, args=args,
                           attachments=[{"fname": f"evaluation-{values['name']}.ics", "fcontent": ics}],
                           reference_doctype="LMS Certificate Request", reference_name=values["name"])


def _both(doc: Any, learner_template: str, evaluator_template: str, **extra: Any) -> None:
    ics = request_ics(doc, smooth.local.site.name)  # one event: the same file to both
    send_request_mail(doc, learner_template, doc.member, doc.timezone or smooth.local.site.time_zone,
                      role="learner", ics=ics, **extra)
    if doc.evaluator:
        send_request_mail(doc, evaluator_template, doc.evaluator, evaluator_zone(doc.evaluator), role="evaluator",
                          ics=ics, **extra)


def unsent_mail(request: str, user: str) -> bool:
    """Whether a mail about `request` to `user` could not be rendered (sendmail keeps it as an Error row)."""
    for row in smooth.get_all("Email Queue", filters={"reference_doctype": "LMS Certificate Request",
                                                      "reference_name": request, "status": "Error",
                                                      "last_error": ["like", "Not rendered:%"]}, pluck="name"):
        if user in smooth.get_all("Email Queue Recipient", filters={"parent": row, "parenttype": "Email Queue"},
                                  pluck="recipient"):
            return True
    return False


def send_booking_mails(name: str, event: str, previous_start: str | None = None,
                       previous_end: str | None = None) -> None:
    """The job: mails about request `name` after a `booked`, `moved`, `cancelled` or `meet_link` event."""
    doc = smooth.get_doc("LMS Certificate Request", name)
    if event == "booked":
        _both(doc, BOOKED, ASSIGNED)
    elif event == "cancelled":
        _both(doc, CANCELLED, CANCELLED, reason=doc.cutoff_override_reason or "")
    elif event == "meet_link":
        _both(doc, MEET_LINK, MEET_LINK)
    elif event == "moved" and previous_start and previous_end:
        _both(doc, RESCHEDULED, RESCHEDULED, previous=(dt.datetime.fromisoformat(previous_start),
                                                        dt.datetime.fromisoformat(previous_end)))


def request_booked(doc: Any, method: str) -> None:
    """doc_events after_insert: the learner's confirmation and the evaluator's assignment, after commit."""
    if emails_enabled() and not smooth.flags.in_import:  # a migrated booking was confirmed where it was made
        smooth.enqueue(send_booking_mails, name=doc.name, event="booked")


def request_changed(doc: Any, method: str) -> None:
    """doc_events on_update: a move or a cancellation, told to both after commit."""
    before = doc.get_doc_before_save()
    if before is None or not emails_enabled():
        return
    if doc.status == "Cancelled" and before.status != "Cancelled":
        smooth.enqueue(send_booking_mails, name=doc.name, event="cancelled")
    elif doc.status == "Pending" and doc.start_utc != before.start_utc:
        smooth.enqueue(send_booking_mails, name=doc.name, event="moved", previous_start=before.start_utc.isoformat(),
                       previous_end=before.end_utc.isoformat())

"""Live class mails: the invitation, a change of time, a cancellation and the reminder, each with an .ics.

Every cohort member and the host get each mail on their own, the time written in their own zone
(their User time zone, else the site's). The .ics is one event for all of them: its UID is fixed
per class and site, SEQUENCE is the class's `sequence` (raised on each change of time and on
cancellation) and a cancellation is METHOD:CANCEL, so a calendar adds, moves or removes the one
event; each file names only its own recipient as attendee (members do not learn each other's
addresses). A member who joins the cohort later gets the invitations of its upcoming sessions. The
reminder goes out once per class and start instant, claimed like the
evaluation reminders (`reminders.claim`), whichever scheduler runs it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms.calendar_file import event_ics
from smooth_lms.live_class_views import reader_zone
from smooth_lms.notifications import format_slot
from smooth_lms.reminders import claim
from smooth_lms.timezones import now_utc

LIVE_CLASS = "LMS Live Class"
INVITATION = "Live Class Invitation"
UPDATED = "Live Class Updated"
CANCELLED = "Live Class Cancelled"
REMINDER = "Live Class Reminder"
TEMPLATES = {"scheduled": INVITATION, "moved": UPDATED, "cancelled": CANCELLED, "reminder": REMINDER}
REMINDER_LEAD = dt.timedelta(hours=1)


def cohort_members(batch: str) -> list[str]:
    return smooth.get_all("Batch Member", filters={"parent": batch, "parenttype": "LMS Batch"}, pluck="member",
                          order_by="idx asc")


def _name(user: str) -> str:
    return str(smooth.db.get_value("User", user, "full_name") or user)


def class_ics(doc: Any, recipient: str) -> bytes:
    site = smooth.local.site.name
    return event_ics(uid=f"{doc.name}@{site}", sequence=int(doc.sequence or 0), start=doc.start_utc,
                     end=doc.end_utc, summary=f"Live session: {doc.title}",
                     description=(f"{doc.title} ({doc.batch_title or doc.batch_name}), hosted by "
                                  f"{doc.host_name or doc.host}." + (f"\nJoin: {doc.join_link}" if doc.join_link
                                                                      else "")),
                     organizer=(doc.host, doc.host_name), attendees=[(recipient, _name(recipient))],
                     link=doc.join_link, cancelled=doc.status == "Cancelled")


def send_class_mail(doc: Any, event: str, recipient: str, previous: tuple[dt.datetime, dt.datetime] | None) -> str:
    zone = doc.timezone if recipient == doc.host else reader_zone(recipient)
    with smooth.in_language(smooth.get_user_lang(recipient)):  # the times in the recipient's language, as the mail
        args: dict[str, Any] = {
            "doc": doc.as_dict(), "when": format_slot(doc.start_utc, doc.end_utc, zone), "zone": zone,
            "recipient": recipient, "recipient_name": _name(recipient), "join_link": doc.join_link or "",
            "is_host": recipient == doc.host, "cohort_url": smooth.get_url(f"/lms/cohorts/{doc.batch_name}"),
            "previous_when": format_slot(*previous, zone) if previous else ""}
    ics = {"fname": f"live-session-{doc.name}.ics", "fcontent": class_ics(doc, recipient)}
    return smooth.sendmail(recipient, template=TEMPLATES[event], args=args, attachments=[ics],
                           reference_doctype=LIVE_CLASS, reference_name=doc.name)


def send_live_class_mails(name: str, event: str, previous_start: str | None = None,
                          previous_end: str | None = None) -> int:
    """The job: `event` (scheduled, moved, cancelled) told to every member and the host; returns how many."""
    doc = smooth.get_doc(LIVE_CLASS, name)
    if event != "cancelled" and doc.status == "Cancelled":
        return 0  # cancelled before the job ran: the cancellation mail is the one that matters
    previous = (dt.datetime.fromisoformat(previous_start), dt.datetime.fromisoformat(previous_end)) \
        if previous_start and previous_end else None
    recipients = list(dict.fromkeys([*cohort_members(doc.batch_name), doc.host]))
    for recipient in recipients:
        send_class_mail(doc, event, recipient, previous)
    return len(recipients)


def invite_new_members(doc: Any, method: str) -> None:
    """doc_events on_update of LMS Batch: members who joined get the cohort's upcoming sessions, after commit."""
    before = doc.get_doc_before_save()
    if before is None:
        return
    known = {row.member for row in before.members or []}
    joined = [row.member for row in doc.members or [] if row.member not in known]
    if not joined:
        return
    for name in smooth.get_all(LIVE_CLASS, pluck="name", filters={
            "batch_name": doc.name, "status": "Scheduled", "start_utc": [">", now_utc()]}):
        smooth.enqueue(welcome_members, name=name, members=joined)


def welcome_members(name: str, members: list[str]) -> int:
    """The job: list the newcomers on the session (and, through its save, on its Google event) and invite them."""
    doc = smooth.get_doc(LIVE_CLASS, name, for_update=True)
    doc.save(ignore_permissions=True)
    current = set(cohort_members(doc.batch_name))
    invited = [m for m in members if m in current]
    for member in invited:
        send_class_mail(doc, "scheduled", member, None)
    return len(invited)


def send_live_class_reminders(now: dt.datetime | None = None) -> int:
    """Every five minutes: the reminder of each class starting within REMINDER_LEAD (and scheduled before that
    lead began), once; returns how many."""
    moment = now or now_utc()
    due = smooth.get_all(LIVE_CLASS, filters={"status": "Scheduled", "start_utc": ["between", [
        moment, moment + REMINDER_LEAD]]}, pluck="name", order_by="start_utc asc")
    sent = 0
    for name in due:
        doc = smooth.get_doc(LIVE_CLASS, name)
        # scheduled within the lead: the invitation has just gone, a reminder on its heels would be noise
        # (creation is a system-zone wall clock, so the two spans are measured each in its own clock)
        if doc.start_utc <= moment or (doc.start_utc - moment) + (smooth.now_datetime() - doc.creation) < REMINDER_LEAD:
            continue
        if claim(f"live-class:{name}:{doc.start_utc:%Y%m%dT%H%M}", "Live Class Reminder", None):
            for recipient in dict.fromkeys([*cohort_members(doc.batch_name), doc.host]):
                send_class_mail(doc, "reminder", recipient, None)
            sent += 1
    return sent

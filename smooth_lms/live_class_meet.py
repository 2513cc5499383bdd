"""A live class's Google Calendar event and Meet link, through the same integration as evaluations.

The event sits on the host's calendar with every cohort member as a guest (who cannot see each
other); its id is derived from the site and the class, so a retried insert finds the event it
already made. `meet_status` says where things stand, as on a certificate request: Not
Configured (with what is missing, and the join link can be pasted by hand), Pending, Created or
Failed with Google's error. A change of time patches the event and a cancellation deletes it.
The invitations go out once the link is settled, so they carry it when there is one: a link
that arrives (from Google, a retry, or typed by hand) sends them, and a first attempt that
ends without one sends them linkless.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import smooth
from smooth import _
from smooth_lms import live_class_mails
from smooth_lms.meet_links import ask_again, event_id, sync_event, when
from smooth_lms.timezones import now_utc

gcal = smooth.google_calendar
LIVE_CLASS = "LMS Live Class"
NOT_CONFIGURED = "The Google integration is off (Google Settings): paste the meeting's join link by hand"
PATCHED = {"moved": ("summary", "start", "end", "description"), "members": ("start", "end", "attendees")}
HAND_LINK = "A join link was entered by hand: no Google Calendar event is made"


def event_body(doc: Any) -> dict[str, Any]:
    members = [r for r in doc.attendance or []]
    lines = [f"Live session of {doc.batch_title or doc.batch_name} hosted by {doc.host_name or doc.host}."]
    if doc.description:
        lines.append(str(doc.description))
    return {
        "id": event_id(doc.name),
        "summary": f"Live session: {doc.title}",
        "description": "\n\n".join(lines),
        "start": when(doc.start_utc, doc.timezone),
        "end": when(doc.end_utc, doc.timezone),
        "attendees": [{"email": r.member, "displayName": r.member_name or r.member} for r in members],
        "conferenceData": {"createRequest": {"requestId": f"{event_id(doc.name)}-{int(doc.sequence or 0)}",
                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
        "guestsCanModify": False,
        "guestsCanSeeOtherGuests": False,
    }


def initial_status(doc: Any) -> None:
    """before_insert: Pending when Google will make the link, else why it will not."""
    if doc.join_link:
        doc.meet_status, doc.meet_error = "Not Configured", HAND_LINK
    elif gcal.is_enabled():
        doc.meet_status, doc.meet_error = "Pending", None
    else:
        doc.meet_status, doc.meet_error = "Not Configured", NOT_CONFIGURED


@smooth.whitelist(methods=("POST",))
def retry_meet_link(name: str) -> str:
    """The desk's "Retry Meet link" on a live class, after the settings were fixed."""
    return ask_again(smooth.get_doc(LIVE_CLASS, name), "Scheduled",
                     _("{0} is {1}: only a scheduled session gets a Meet link"), sync_live_class_event)


def meeting_code(link: str | None) -> str | None:
    """`abc-defg-hij` of https://meet.google.com/abc-defg-hij (None for another kind of link)."""
    parts = urlsplit(link or "")
    code = parts.path.strip("/")
    return code if parts.hostname == "meet.google.com" and code and "/" not in code else None


@smooth.whitelist(methods=("POST",))
def import_meet_attendance(name: str) -> int:
    """The desk's "Attendance from Meet": tick the members Google Meet saw in the meeting; returns how many it
    ticked (the host's own ticks stay, and nobody is unticked)."""
    doc = smooth.get_doc(LIVE_CLASS, name, for_update=True)
    if not smooth.has_permission(LIVE_CLASS, "write", doc=doc):
        raise smooth.PermissionError(_("Not permitted to record the attendance of {0}", name))
    if doc.status != "Scheduled" or doc.start_utc > now_utc():
        raise smooth.ValidationError(_("{0} has not taken place: attendance is read once the session has started",
                                       name))
    code = meeting_code(doc.join_link)
    if not code:
        raise smooth.ValidationError(_("The join link is not a Google Meet link: tick the attendance by hand"))
    try:
        seen = smooth.google_meet.attendance(doc.host, code)
    except (gcal.GoogleNotConfigured, gcal.GoogleApiError, gcal.GoogleAuthorizationError) as exc:
        raise smooth.ValidationError(_("Google Meet's attendance could not be read: {0}", exc.message)) from None
    ticked = 0
    for row in doc.attendance:
        if not row.attended and row.member.lower() in seen:
            row.attended, row.source = 1, "Google Meet"
            ticked += 1
    doc.save()
    smooth.msgprint(_("Google Meet saw {0} signed-in participant(s) in {1}: {2} member(s) ticked",
                      len(seen), code, ticked))
    return ticked


def sync_live_class_event(name: str, event: str) -> str:
    """The job: bring the host's Calendar event in line with the class; returns the Meet status it left.

    `event` is scheduled, moved, members (who joined the cohort), cancelled or retry."""
    smooth.set_user("Administrator")
    doc = smooth.get_doc(LIVE_CLASS, name, for_update=True)
    status = _sync(doc, event)
    if event == "scheduled" and status != "Created":  # with a link, the class's on_update sends them
        smooth.enqueue(live_class_mails.send_live_class_mails, name=name, event="scheduled")
    return status


def _sync(doc: Any, event: str) -> str:
    return sync_event(doc, event, owner=doc.host, active=doc.status == "Scheduled", body=event_body,
                      patched=PATCHED, link_field="join_link")

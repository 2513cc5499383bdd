"""An evaluation as a calendar event: the `.ics` file (RFC 5545, via icalendar) and a Google Calendar link.

The same file goes to the learner's download and to emails, so calendars recognise it as one
event: the UID is fixed per request (its name and the site), SEQUENCE is the request's
`sequence` (raised on each reschedule, so a calendar replaces the old time), and a cancelled
request is sent as METHOD:CANCEL with STATUS:CANCELLED. Times are UTC instants (DTSTART and
DTEND end in Z); the learner's zone and local time are spelled out in the description,
because a calendar shows the instant in whatever zone its device uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from icalendar import Calendar, Event, vCalAddress, vText

from smooth_lms.timezones import describe, now_utc

PRODID = "-//Smooth//Smooth LMS//EN"


def _utc(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "").replace(" ", "T"))
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def uid(request: Any, site: str) -> str:
    return f"{request.get('name')}@{site}"


def summary(request: Any) -> str:
    return f"Evaluation: {request.get('course_title') or request.get('course')}"


def description(request: Any) -> str:
    start = _utc(request.get("start_utc")).replace(tzinfo=None)
    learner_zone = request.get("timezone") or "UTC"
    lines = [f"{summary(request)} with {request.get('evaluator_name') or request.get('evaluator')}.",
             f"Your time: {describe(start, learner_zone)}.", f"Request: {request.get('name')}."]
    if request.get("google_meet_link"):
        lines.append(f"Join: {request.get('google_meet_link')}")
    return "\n".join(lines)


def _address(email: str, name: str | None, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def event_ics(*, uid: str, sequence: int, start: Any, end: Any, summary: str, description: str,
              organizer: tuple[str, str | None], attendees: list[tuple[str, str | None]], link: str | None,
              cancelled: bool) -> bytes:
    """One event as an iCalendar file: METHOD:CANCEL with STATUS:CANCELLED when `cancelled`, else a REQUEST."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now_utc().replace(tzinfo=dt.UTC))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _address(*organizer))
    for email, name in attendees:
        event.add("attendee", _address(email, name, ROLE="REQ-PARTICIPANT",
                                       PARTSTAT="ACCEPTED" if not cancelled else "DECLINED"))
    if link:
        event.add("location", link)
        event.add("url", link)
    cal.add_component(event)
    return cal.to_ical()


def request_ics(request: Any, site: str) -> bytes:
    """The request (a document or dict with the LMS Certificate Request fields) as an iCalendar file."""
    return event_ics(uid=uid(request, site), sequence=int(request.get("sequence") or 0),
                     start=request.get("start_utc"), end=request.get("end_utc"), summary=summary(request),
                     description=description(request),
                     organizer=(request.get("evaluator"), request.get("evaluator_name")),
                     attendees=[(request.get("member"), request.get("member_name"))],
                     link=request.get("google_meet_link"), cancelled=request.get("status") == "Cancelled")


def google_calendar_link(request: Any) -> str:
    """Google Calendar's event template for the request (UTC times, the same description)."""
    start, end = _utc(request.get("start_utc")), _utc(request.get("end_utc"))
    params = {"action": "TEMPLATE", "text": summary(request),
              "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}", "details": description(request)}
    if request.get("google_meet_link"):
        params["location"] = request.get("google_meet_link")
    return "https://calendar.google.com/calendar/render?" + urlencode(params)

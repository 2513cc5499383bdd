"""The evaluation's .ics: one event, UTC instants, stable UID, SEQUENCE, CANCEL, organizer and attendee."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

from icalendar import Calendar

from smooth_lms.calendar_file import google_calendar_link, request_ics

REQUEST = {"name": "LMS-CR-2027-00007", "course": "dst", "course_title": "DST Safety", "member": "l@example.com",
           "member_name": "Lena L", "evaluator": "e@example.com", "evaluator_name": "Eve E",
           "start_utc": dt.datetime(2027, 3, 28, 0, 30), "end_utc": dt.datetime(2027, 3, 28, 1, 30),
           "timezone": "Asia/Kolkata", "status": "Pending", "sequence": 0, "google_meet_link": None}


def _event(data: bytes):  # type: ignore[no-untyped-def]
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def test_the_event_holds_the_instants_in_utc_and_the_learners_clock_in_words() -> None:
    data = request_ics(REQUEST, "lms.example.com")
    assert b"DTSTART:20270328T003000Z" in data and b"DTEND:20270328T013000Z" in data
    cal, event = _event(data)
    assert str(cal["method"]) == "REQUEST" and str(cal["version"]) == "2.0"
    assert event.decoded("dtstart") == dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC)
    assert str(event["uid"]) == "LMS-CR-2027-00007@lms.example.com"
    assert int(event["sequence"]) == 0
    assert "2027-03-28 06:00 (Asia/Kolkata)" in str(event["description"])
    assert str(event["organizer"]) == "mailto:e@example.com" and event["organizer"].params["CN"] == "Eve E"
    assert str(event["attendee"]) == "mailto:l@example.com"
    assert "location" not in event and "url" not in event


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence_a_cancel_says_cancel() -> None:
    first = _event(request_ics(REQUEST, "s"))[1]
    moved = _event(request_ics({**REQUEST, "sequence": 1}, "s"))[1]
    assert first["uid"] == moved["uid"] and int(moved["sequence"]) == 1
    cal, cancelled = _event(request_ics({**REQUEST, "status": "Cancelled", "sequence": 1}, "s"))
    assert str(cal["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"


def test_a_meet_link_is_the_location_and_url() -> None:
    event = _event(request_ics({**REQUEST, "google_meet_link": "https://meet.google.com/abc-defg-hij"}, "s"))[1]
    assert str(event["location"]) == str(event["url"]) == "https://meet.google.com/abc-defg-hij"


def test_the_google_calendar_link_carries_the_same_utc_times() -> None:
    query = parse_qs(urlparse(google_calendar_link(REQUEST)).query)
    assert query["action"] == ["TEMPLATE"] and query["dates"] == ["20270328T003000Z/20270328T013000Z"]
    assert query["text"] == ["Evaluation: DST Safety"]

"""A cohort live session's Calendar event and Meet link, through the same google-auth flows and loopback fake
as the evaluations' (tests/integrations/google_fake.py); SQLite only (no dialect in play)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
import smooth_lms.live_class_meet as live_class_meet
from smooth_lms.timezones import now_utc
from tests.integrations.google_fake import GoogleFake
from tests.integrations.test_google_meet import google  # noqa: F401  (the fake, served, and Google Settings)
from tests.lms.conftest import lms_site, make_course, make_evaluator, make_learner  # noqa: F401

HOST, ANA, KOJI = "host@example.com", "ana@example.com", "koji@example.com"
LIVE = "LMS Live Class"


def _schedule() -> str:
    course = make_course("Crane Signals")
    make_evaluator(HOST, [course], timezone="Europe/Berlin")
    smooth.db.set_value("User", HOST, "time_zone", "Europe/Berlin")
    for member in (ANA, KOJI):
        make_learner(member, course)
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Crane Crew", "courses": [{"course": course}],
                            "members": [{"member": ANA}, {"member": KOJI}]}).insert()
    start = (now_utc() + dt.timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    with smooth.unit_of_work():
        return str(smooth.get_doc({"doctype": LIVE, "title": "Signals drill", "batch_name": batch.name,
                                   "host": HOST, "start_utc": start, "duration": 45}).insert().name)


def _row(name: str) -> dict[str, Any]:
    return smooth.db.get_value(LIVE, name, ["meet_status", "meet_error", "join_link", "google_calendar_event_id"],
                               as_dict=True)


def _invitations(name: str) -> list[str]:
    return smooth.get_all("Email Queue", filters={"reference_doctype": LIVE, "reference_name": name},
                          pluck="message_html")


def test_a_session_gets_one_event_on_the_hosts_calendar_and_the_invitations_carry_the_link(
        google: GoogleFake) -> None:  # noqa: F811
    name = _schedule()
    row = _row(name)
    assert row["meet_status"] == "Created", row["meet_error"]
    assert row["join_link"].startswith("https://meet.google.com/")
    (event,) = google.live_events()
    assert sorted(a["email"] for a in event["attendees"]) == [ANA, KOJI]
    assert event["guestsCanSeeOtherGuests"] is False and event["start"]["timeZone"] == "Europe/Berlin"
    assert set(google.tokens.values()) == {HOST}  # delegated to the host
    mails = _invitations(name)
    assert len(mails) == 3 and all(row["join_link"] in html for html in mails)
    versions = smooth.get_all("Version", filters={"ref_doctype": LIVE, "docname": name}, pluck="data")
    assert any("join_link" in data for data in versions)


def test_a_move_patches_and_a_cancellation_deletes_the_event(google: GoogleFake) -> None:  # noqa: F811
    name = _schedule()
    event_id = _row(name)["google_calendar_event_id"]
    with smooth.unit_of_work():
        doc = smooth.get_doc(LIVE, name)
        doc.start_utc = doc.start_utc + dt.timedelta(hours=1)
        doc.save()
    (patch,) = [c for c in google.calls if c[0] == "PATCH"]
    assert patch[1].endswith(f"/events/{event_id}") and patch[2]["body"]["start"]["dateTime"].endswith("16:00:00")
    with smooth.unit_of_work():
        doc = smooth.get_doc(LIVE, name)
        doc.status = "Cancelled"
        doc.save()
    assert google.live_events() == []


def test_a_refusal_is_shown_with_googles_reason_and_retry_creates_the_link(
        google: GoogleFake) -> None:  # noqa: F811
    google.fail("insert", 503, 503, 503, 503)  # more than the retries
    name = _schedule()
    row = _row(name)
    assert row["meet_status"] == "Failed" and "503" in row["meet_error"] and "integration settings" in row["meet_error"]
    assert len(_invitations(name)) == 3  # the invitations go out anyway, without a link
    with smooth.unit_of_work():
        assert live_class_meet.retry_meet_link(name) == "Pending"
    row = _row(name)
    assert row["meet_status"] == "Created" and len(google.live_events()) == 1
    assert sum(row["join_link"] in html for html in _invitations(name)) == 3  # the invitation again, with the link


def test_a_member_who_joins_the_cohort_is_added_to_the_event_and_invited(google: GoogleFake) -> None:  # noqa: F811
    name = _schedule()
    make_learner("late@example.com", smooth.get_all("LMS Course", pluck="name")[0])
    with smooth.unit_of_work():
        batch = smooth.get_doc("LMS Batch", smooth.db.get_value(LIVE, name, "batch_name"))
        batch.append("members", {"member": "late@example.com"})
        batch.save()
    (event,) = google.live_events()
    assert sorted(a["email"] for a in event["attendees"]) == [ANA, KOJI, "late@example.com"]
    attendance = smooth.get_all("LMS Live Class Attendance", filters={"parent": name}, pluck="member")
    assert "late@example.com" in attendance
    invitations = smooth.get_all("Email Queue Recipient", filters={"recipient": "late@example.com"}, pluck="parent")
    assert len(invitations) == 1


def _took_place(name: str) -> None:
    start = now_utc() - dt.timedelta(hours=2)
    smooth.db.set_value(LIVE, name, {"start_utc": start, "end_utc": start + dt.timedelta(minutes=45)})
    smooth.db.commit()


def test_attendance_is_read_from_meet_through_the_service_account(google: GoogleFake) -> None:  # noqa: F811
    smooth.db.set_value("Google Settings", "Google Settings", {
        "meet_api_base_url": google.meet_api_base_url, "people_api_base_url": google.people_api_base_url})
    smooth.db.commit()
    name = _schedule()
    code = _row(name)["join_link"].rsplit("/", 1)[1]
    with smooth.unit_of_work(), pytest.raises(smooth.ValidationError, match="has not taken place"):
        live_class_meet.import_meet_attendance(name)
    _took_place(name)
    google.join(code, "111", HOST)
    google.join(code, None, None)  # an anonymous guest: no account to match
    google.join(code, "333", None)  # an account outside the directory: the People API does not know it
    google.join(code, "222", ANA.upper())  # Google's spelling of the address
    with smooth.unit_of_work():
        assert live_class_meet.import_meet_attendance(name) == 1
    rows = smooth.get_all("LMS Live Class Attendance", filters={"parent": name}, fields=["member", "attended",
                                                                                         "source"])
    assert {r["member"]: (r["attended"], r["source"]) for r in rows} == {ANA: (1, "Google Meet"), KOJI: (0, None)}
    pages = [c for c in google.calls if c[1].endswith("/participants")]
    assert len(pages) == 2 and pages[1][2]["query"]["pageToken"] == "2"  # four participants, two a page
    scopes = {google.token_scopes[t] for t in google.tokens}
    assert len(scopes) == 2  # the calendar's token and the Meet one, each with its own scopes
    smooth.db.set_single_value("Google Settings", "auth_mode", "OAuth")
    smooth.db.commit()
    with smooth.unit_of_work(), pytest.raises(smooth.ValidationError, match="Service Account mode"):
        live_class_meet.import_meet_attendance(name)

"""The Certification section's helpers: where a learner stands, and a slot named by its UTC start."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth_lms import certification, learning
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course, make_evaluator, next_weekday
from tests.lms.content import add_lessons


def test_a_slot_in_a_repeated_hour_is_booked_with_its_own_offset() -> None:
    # 2027-11-07 01:30 happens twice in New York: 05:30 UTC (-04:00), then 06:30 UTC (-05:00)
    assert certification.slot_fields("2027-11-07T05:30:00Z", "America/New_York") == {
        "date": "2027-11-07", "start_time": "01:30:00", "utc_offset": "-04:00"}
    assert certification.slot_fields("2027-11-07T06:30:00Z", "America/New_York") == {
        "date": "2027-11-07", "start_time": "01:30:00", "utc_offset": "-05:00"}
    with pytest.raises(smooth.ValidationError, match="Pick one of the available slots"):
        certification.slot_fields("not a time", "UTC")


def test_status_counts_the_lessons_left_and_finds_the_pending_request(lms: SiteHandle) -> None:
    course = make_course("Status Course")
    lessons = add_lessons(course, {"A": ["a1", "a2", "a3"]})
    make_evaluator("ev@example.com", [course])
    make_user("st@example.com", "LMS Student")
    values = smooth.db.get_value("LMS Course", course, ["name", "title", "evaluation_required"], as_dict=True)
    smooth.set_user("st@example.com")
    try:
        assert not certification.status("st@example.com", values).enrolled
        learning.enroll(course)
        learning.save_progress(lessons[0])
        where = certification.status("st@example.com", values)
        assert where.required and not where.content_complete and where.to_go == "2 lessons to go"
        assert [lesson.name for lesson in where.lessons_left] == lessons[1:]
        for lesson in lessons[1:]:
            learning.save_progress(lesson)
        where = certification.status("st@example.com", values)
        assert where.content_complete and where.pending is None
        picker = certification.picker(course, None, "Asia/Kolkata", None)
        assert picker.evaluators == ["ev"] and picker.slots and picker.error is None
        monday = next_weekday(0)
        chosen = certification.picker(course, None, "Asia/Kolkata", monday.isoformat())
        assert chosen.date == monday.isoformat()
        booked = certification.book(course, None, "Asia/Kolkata", chosen.slots[0]["start_utc"])
        assert certification.status("st@example.com", values).pending["name"] == booked["name"]  # type: ignore[index]
        view = certification.request_view(certification.status("st@example.com", values).pending, "site")  # type: ignore[arg-type]
        start = dt.datetime.fromisoformat(chosen.slots[0]["start_utc"].removesuffix("Z"))
        assert view["local_time"].startswith(f"{(start + dt.timedelta(hours=5, minutes=30)):%H:%M}")
        assert view["ics_url"] == f"/lms/evaluations/{booked['name']}/ics"
    finally:
        smooth.set_user("Administrator")

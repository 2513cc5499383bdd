"""Reschedule, cancel, cutoffs and the learner-clock API."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.exceptions import PermissionError, ValidationError
from smooth_lms import api
from smooth_lms.doctype.lms_certificate_request.lms_certificate_request import SlotBookedError
from smooth_lms.timezones import to_utc, to_wall
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday


@pytest.fixture
def course(lms):
    name = make_course()
    make_evaluator("eva@example.com", [name])
    make_learner("lea@example.com", name)
    make_learner("leo@example.com", name)
    return name


def as_user(user: str):
    smooth.set_user(user)


def test_reschedule_moves_the_request_and_frees_the_old_slot(course):
    day = next_weekday(0)
    request = book("lea@example.com", course, day, "09:00")
    smooth.db.commit()
    as_user("lea@example.com")
    request.reschedule(day, "10:00")
    as_user("Administrator")
    assert (request.date, request.start_time, request.end_time) == (day, dt.time(10), dt.time(10, 30))
    assert book("leo@example.com", course, day, "09:00").status == "Pending"


def test_failed_reschedule_keeps_the_old_slot(course):
    day = next_weekday(0)
    mine = book("lea@example.com", course, day, "09:00")
    book("leo@example.com", course, day, "10:00")
    smooth.db.commit()
    as_user("lea@example.com")
    with pytest.raises(SlotBookedError):
        mine.reschedule(day, "10:00")
    smooth.db.rollback()
    as_user("Administrator")
    stored = smooth.get_doc("LMS Certificate Request", mine.name)
    assert (stored.date, stored.start_time, stored.status) == (day, dt.time(9), "Pending")
    make_learner("lia@example.com", course)
    with pytest.raises(SlotBookedError):
        book("lia@example.com", course, day, "09:00")  # the old slot is still held


def test_other_learners_cannot_reschedule_or_cancel(course):
    request = book("lea@example.com", course, next_weekday(0), "09:00")
    smooth.db.commit()
    as_user("leo@example.com")
    with pytest.raises(PermissionError):
        api.cancel_evaluation(request.name)
    as_user("Administrator")


def test_cutoff_blocks_learners_and_evaluators_override_with_a_reason(course):
    smooth.db.set_single_value("LMS Settings", "cancellation_cutoff_hours", 24 * 30)
    request = book("lea@example.com", course, next_weekday(0), "09:00")
    smooth.db.commit()
    as_user("lea@example.com")
    with pytest.raises(ValidationError, match="within 720 hours of the slot"):
        api.cancel_evaluation(request.name)
    smooth.db.rollback()
    as_user("eva@example.com")
    with pytest.raises(ValidationError, match="override with a reason"):
        api.cancel_evaluation(request.name)
    smooth.db.rollback()
    cancelled = api.cancel_evaluation(request.name, reason="learner is ill")
    assert cancelled["status"] == "Cancelled" and cancelled["cutoff_override_reason"] == "learner is ill"
    as_user("Administrator")


def test_book_evaluation_converts_the_learners_clock(course):
    monday = next_weekday(0)
    as_user("lea@example.com")
    # 14:30 in Kolkata (no DST) is 09:00 UTC
    booked = api.book_evaluation(course, monday.isoformat(), "14:30", timezone="Asia/Kolkata")
    as_user("Administrator")
    assert (booked["date"], booked["start_time"], booked["timezone"]) == (monday.isoformat(), "09:00:00",
                                                                           "Asia/Kolkata")


def test_reschedule_through_the_api_uses_the_requests_zone(course):
    monday = next_weekday(0)
    as_user("lea@example.com")
    booked = api.book_evaluation(course, monday.isoformat(), "10:00", timezone="Europe/London")
    moved = api.reschedule_evaluation(booked["name"], monday.isoformat(), "11:00")
    as_user("Administrator")
    expected = to_wall(to_utc(monday, dt.time(11), "Europe/London"), "UTC")
    assert (moved["date"], moved["start_time"]) == (expected.date().isoformat(), expected.time().isoformat())


def test_upcoming_from_frappe_lms_is_pending(course):
    request = book("lea@example.com", course, next_weekday(0), "09:00", status="Upcoming")
    assert request.status == "Pending"


def test_learners_list_only_their_own_requests_and_evaluators_their_assignments(course):
    day = next_weekday(0)
    mine = book("lea@example.com", course, day, "09:00").name
    theirs = book("leo@example.com", course, day, "09:30").name
    make_user("mod@example.com", "Moderator")
    smooth.db.commit()
    assert smooth.get_list("LMS Certificate Request", pluck="name", user="lea@example.com") == [mine]
    assert sorted(smooth.get_list("LMS Certificate Request", pluck="name", user="eva@example.com")) == sorted(
        [mine, theirs])
    assert len(smooth.get_list("LMS Certificate Request", pluck="name", user="mod@example.com")) == 2
    other = smooth.get_doc("LMS Certificate Request", theirs)
    assert not smooth.has_permission("LMS Certificate Request", "read", doc=other, user="lea@example.com")


def test_a_date_that_is_not_a_date_is_a_clear_validation_error(course):
    as_user("lea@example.com")
    with pytest.raises(ValidationError, match="'someday'.*is not a date"):
        api.book_evaluation(course, "someday", "09:00")
    with pytest.raises(ValidationError, match="from_date 'soon' is not a date"):
        api.get_available_slots(course, from_date="soon")
    as_user("Administrator")

"""What a learner sends when booking: an end time must be the slot's end."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.exceptions import ValidationError
from smooth_lms import api
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday

MONDAY = 0


@pytest.fixture
def course(lms):
    name = make_course()
    make_evaluator("eva@example.com", [name])
    make_learner("lea@example.com", name)
    return name


def test_an_end_time_that_is_not_the_slots_end_is_refused_with_the_real_length(course):
    with pytest.raises(ValidationError, match=r"Evaluation slots for Safety Basics are 30 minutes long: one starting "
                                              r"at 09:00 ends at 09:30, not 10:00; set the end time to 09:30 or "
                                              r"leave it out"):
        book("lea@example.com", course, next_weekday(MONDAY), "09:00", end_time="10:00")


def test_the_slots_own_end_or_no_end_is_accepted(course):
    day = next_weekday(MONDAY)
    assert book("lea@example.com", course, day, "09:00", end_time="09:30").end_time == dt.time(9, 30)
    smooth.db.rollback()
    assert book("lea@example.com", course, day, "09:00").end_time == dt.time(9, 30)


def test_the_api_refuses_a_wrong_end_time_on_the_learners_clock(course):
    smooth.set_user("lea@example.com")
    with pytest.raises(ValidationError, match=r"ends at 15:00, not 15:30 \(Asia/Kolkata\)"):
        api.book_evaluation(course, next_weekday(MONDAY).isoformat(), "14:30", timezone="Asia/Kolkata",
                            end_time="15:30")
    booked = api.book_evaluation(course, next_weekday(MONDAY).isoformat(), "14:30", timezone="Asia/Kolkata",
                                 end_time="15:00")
    smooth.set_user("Administrator")
    assert (booked["start_time"], booked["end_time"]) == ("09:00:00", "09:30:00")

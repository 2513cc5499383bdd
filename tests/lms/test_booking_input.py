"""What a learner sends when booking: an end time must be the slot's end; a missing evaluator is explained."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.exceptions import ValidationError
from smooth_lms import api
from smooth_lms.evaluators import NoEvaluatorError
from tests.conftest import make_user
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


def gaps() -> list[dict]:
    return smooth.get_all("LMS Evaluator Gap", fields=["course", "attempts", "first_asked_by"])


def test_a_learner_reads_that_the_course_has_no_evaluator_yet_and_whom_to_ask(lms):
    course = make_course("Forklift")
    make_learner("lea@example.com", course)
    with pytest.raises(NoEvaluatorError) as caught:
        book("lea@example.com", course, next_weekday(MONDAY), "09:00")
    message = str(caught.value)
    assert "Forklift has no evaluator yet" in message and "training coordinator" in message
    assert "configure" not in message.lower()


def test_staff_are_told_once_per_course_until_an_evaluator_is_assigned(lms):
    course = make_course("Forklift")
    make_learner("lea@example.com", course)
    make_learner("leo@example.com", course)
    for learner in ("lea@example.com", "leo@example.com", "lea@example.com"):
        with pytest.raises(NoEvaluatorError), smooth.unit_of_work(user=learner):  # a request, refused
            api.get_available_slots(course)
    assert gaps() == [{"course": course, "attempts": 3, "first_asked_by": "lea@example.com"}]
    make_evaluator("eva@example.com", [course])
    assert gaps() == []
    smooth.db.commit()
    smooth.delete_doc("Course Evaluator", "eva@example.com", force=True)
    smooth.db.commit()
    with pytest.raises(NoEvaluatorError), smooth.unit_of_work(user="leo@example.com"):
        api.get_available_slots(course)
    assert gaps() == [{"course": course, "attempts": 1, "first_asked_by": "leo@example.com"}]


def test_a_course_default_evaluator_also_resolves_the_gap(lms):
    course = make_course("Forklift")
    make_learner("lea@example.com", course)
    smooth.set_user("lea@example.com")
    with pytest.raises(NoEvaluatorError):
        api.get_available_slots(course)
    smooth.db.rollback()
    smooth.set_user("Administrator")
    make_evaluator("eva@example.com", [])
    assert len(gaps()) == 1
    doc = smooth.get_doc("LMS Course", course)
    doc.evaluator = "eva@example.com"
    doc.save()
    assert gaps() == []


def test_staff_booking_for_someone_still_see_the_configuration_hint(lms):
    course = make_course("Forklift")
    make_learner("lea@example.com", course)
    make_user("mod@example.com", "Moderator")
    smooth.set_user("mod@example.com")
    with pytest.raises(NoEvaluatorError, match="configure a Course Evaluator for forklift"):
        smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": "lea@example.com",
                        "date": next_weekday(MONDAY), "start_time": "09:00"}).insert()
    smooth.set_user("Administrator")

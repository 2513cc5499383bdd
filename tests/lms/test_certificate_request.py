"""Booking rules of LMS Certificate Request, each with its message, on SQLite and MariaDB."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.exceptions import LinkValidationError, PermissionError, ValidationError
from smooth_lms.doctype.lms_certificate_request.lms_certificate_request import (
    DuplicateRequestError,
    EvaluatorUnavailableError,
    SlotBookedError,
)
from smooth_lms.evaluators import NoEvaluatorError
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

pytestmark = pytest.mark.both_backends  # overlap and cutoff rules query DATE/TIME columns (text in SQLite)

MONDAY = 0


@pytest.fixture
def setup(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course])
    make_learner("lea@example.com", course)
    make_learner("leo@example.com", course)
    return course


def test_evaluator_is_assigned_by_the_system_from_the_course_mapping(setup):
    request = book("lea@example.com", setup, next_weekday(MONDAY), "09:00", evaluator="lea@example.com")
    assert request.evaluator == "eva@example.com"
    assert request.status == "Pending"
    assert request.end_time == dt.time(9, 30)
    assert request.day == "Monday"
    assert request.name.startswith(f"LMS-CR-{smooth.today().year}-")


def test_no_evaluator_configured_names_the_course(lms):
    course = make_course("Forklift")
    make_learner("lea@example.com", course)
    with pytest.raises(NoEvaluatorError, match="Forklift has no evaluator yet"):
        book("lea@example.com", course, next_weekday(MONDAY), "09:00")


def test_cohort_evaluator_wins_over_course_mapping(setup):
    make_evaluator("cohort-eva@example.com", [], [("Monday", "09:00", "12:00")])
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Spring Cohort", "evaluation_required": 1,
                            "courses": [{"course": setup, "evaluator": "cohort-eva@example.com"}],
                            "members": [{"member": "lea@example.com"}]}).insert()
    request = book("lea@example.com", setup, next_weekday(MONDAY), "09:30", batch_name=batch.name)
    assert request.evaluator == "cohort-eva@example.com"


def test_slot_must_be_offered_and_aligned(setup):
    with pytest.raises(ValidationError, match="not a slot the evaluator offers"):
        book("lea@example.com", setup, next_weekday(MONDAY), "09:10")
    with pytest.raises(ValidationError, match="not a slot the evaluator offers"):
        book("lea@example.com", setup, next_weekday(1), "09:00")  # Tuesday: no schedule row
    with pytest.raises(ValidationError, match="not a slot the evaluator offers"):
        book("lea@example.com", setup, next_weekday(MONDAY), "11:45")  # would run past the row's end


def test_past_slots_are_refused(setup):
    past_monday = next_weekday(MONDAY) - dt.timedelta(days=14)
    with pytest.raises(ValidationError, match="in the past"):
        book("lea@example.com", setup, past_monday, "09:00")


def test_double_booking_is_refused_on_overlap(setup):
    day = next_weekday(MONDAY)
    book("lea@example.com", setup, day, "09:00")
    smooth.db.commit()
    with pytest.raises(SlotBookedError, match="Slot already booked: pick a different time; another member holds"):
        book("leo@example.com", setup, day, "09:00")
    # a neighbouring slot is fine
    assert book("leo@example.com", setup, day, "09:30").evaluator == "eva@example.com"


def test_cancelled_request_frees_the_slot(setup):
    day = next_weekday(MONDAY)
    first = book("lea@example.com", setup, day, "10:00")
    first.status = "Cancelled"
    first.save()
    assert book("leo@example.com", setup, day, "10:00").status == "Pending"


def test_unavailability_names_the_range(setup):
    day = next_weekday(MONDAY)
    evaluator = smooth.get_doc("Course Evaluator", "eva@example.com")
    evaluator.append("unavailability", {"from_date": day - dt.timedelta(days=1), "to_date": day + dt.timedelta(days=2),
                                        "reason": "conference"})
    evaluator.save()
    with pytest.raises(EvaluatorUnavailableError) as caught:
        book("lea@example.com", setup, day, "09:00")
    message = str(caught.value)
    assert "unavailable from" in message and "conference" not in message  # the reason is the evaluator's
    assert f"select a date after {day + dt.timedelta(days=2):%Y-%m-%d}" in message


def test_date_after_cohort_evaluation_end_is_refused(setup):
    day = next_weekday(MONDAY)
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Short Cohort", "evaluation_required": 1,
                            "evaluation_end_date": day - dt.timedelta(days=1), "courses": [{"course": setup}],
                            "members": [{"member": "lea@example.com"}]}).insert()
    with pytest.raises(ValidationError, match=f"end on {day - dt.timedelta(days=1):%Y-%m-%d}"):
        book("lea@example.com", setup, day, "09:00", batch_name=batch.name)


def test_one_pending_request_per_course(setup):
    day = next_weekday(MONDAY)
    book("lea@example.com", setup, day, "09:00")
    with pytest.raises(DuplicateRequestError, match=f"on {day:%Y-%m-%d} 09:00 .*complete or cancel it"):
        book("lea@example.com", setup, day + dt.timedelta(days=7), "09:00")


def test_a_pending_request_is_named_before_the_slot_checks_refuse(setup):
    """The duplicate is refused by the unique index at insert, yet still named first when a slot check fails."""
    day = next_weekday(MONDAY)
    book("leo@example.com", setup, day, "10:00")
    book("lea@example.com", setup, day, "09:00")
    with pytest.raises(DuplicateRequestError, match="complete or cancel it"):
        book("lea@example.com", setup, day, "10:00")  # taken by Leo: the duplicate still comes first
    with pytest.raises(DuplicateRequestError, match="complete or cancel it"):
        book("lea@example.com", setup, day, "09:00", end_time="09:45")  # a bad end: the duplicate first too


def test_completed_and_cancelled_requests_never_block(setup):
    day = next_weekday(MONDAY)
    first = book("lea@example.com", setup, day, "09:00")
    slot_started(first.name)
    first.reload()
    first.status = "Completed"
    first.save()
    second = book("lea@example.com", setup, day + dt.timedelta(days=7), "09:00")
    second.status = "Cancelled"
    second.save()
    assert book("lea@example.com", setup, day + dt.timedelta(days=14), "09:00").status == "Pending"


def test_learner_books_only_for_themself(setup):
    smooth.set_user("lea@example.com")
    with pytest.raises(PermissionError, match="only book an evaluation for yourself"):
        smooth.get_doc({"doctype": "LMS Certificate Request", "course": setup, "member": "leo@example.com",
                        "date": next_weekday(MONDAY), "start_time": "09:00"}).insert()
    smooth.set_user("Administrator")


def test_moderator_may_book_for_a_learner(setup):
    make_user("mod@example.com", "Moderator")
    smooth.set_user("mod@example.com")
    request = smooth.get_doc({"doctype": "LMS Certificate Request", "course": setup, "member": "leo@example.com",
                              "date": next_weekday(MONDAY), "start_time": "09:00"}).insert()
    smooth.set_user("Administrator")
    assert request.member == "leo@example.com"


def test_incomplete_course_content_blocks_booking(lms):
    course = make_course("Ladder Safety")
    make_evaluator("eva@example.com", [course])
    make_learner("lea@example.com", course, progress=40)
    with pytest.raises(ValidationError, match="your progress is 40%"):
        book("lea@example.com", course, next_weekday(MONDAY), "09:00")
    make_user("new@example.com", "LMS Student")
    with pytest.raises(ValidationError, match="Enroll in Ladder Safety"):
        book("new@example.com", course, next_weekday(MONDAY), "09:00")


def test_time_zone_is_the_learners(setup):
    smooth.db.set_value("User", "leo@example.com", "time_zone", "Asia/Kolkata")
    smooth.db.commit()
    assert book("leo@example.com", setup, next_weekday(MONDAY), "09:00").timezone == "Asia/Kolkata"
    assert book("lea@example.com", setup, next_weekday(MONDAY), "09:30").timezone == "UTC"
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        book("lea@example.com", setup, next_weekday(MONDAY) + dt.timedelta(days=7), "09:00", timezone="Nowhere/City")


def test_pool_assigns_least_loaded_then_round_robin(lms):
    course = make_course("Crane Operation")
    make_evaluator("ann@example.com", [course])
    make_evaluator("bob@example.com", [course])
    for i in range(3):
        make_learner(f"l{i}@example.com", course)
    day = next_weekday(MONDAY)
    first = book("l0@example.com", course, day, "09:00")
    smooth.db.commit()
    second = book("l1@example.com", course, day, "09:00")
    smooth.db.commit()
    assert {first.evaluator, second.evaluator} == {"ann@example.com", "bob@example.com"}
    with pytest.raises(SlotBookedError, match="Slot already booked"):
        book("l2@example.com", course, day, "09:00")  # both evaluators of the pool hold this slot
    assert book("l2@example.com", course, day, "09:30").evaluator == min(first.evaluator, second.evaluator)


def test_daily_cap_across_courses(lms):
    course = make_course("Welding")
    make_evaluator("eva@example.com", [course], max_evaluations_per_day=1)
    make_learner("lea@example.com", course)
    make_learner("leo@example.com", course)
    day = next_weekday(MONDAY)
    book("lea@example.com", course, day, "09:00")
    with pytest.raises(SlotBookedError, match="fully booked"):
        book("leo@example.com", course, day, "10:00")


def test_unavailability_lists_affected_pending_requests(setup):
    day = next_weekday(MONDAY)
    request = book("lea@example.com", setup, day, "09:00")
    evaluator = smooth.get_doc("Course Evaluator", "eva@example.com")
    evaluator.append("unavailability", {"from_date": day, "to_date": day, "reason": "sick"})
    evaluator.save()
    assert [r["name"] for r in evaluator.requests_in_unavailability()] == [request.name]
    assert any(request.name in m["message"] for m in smooth.local.message_log)


def test_course_evaluator_rejects_overlapping_rows_and_inverted_ranges(lms):
    course = make_course()
    make_user("eva@example.com")
    with pytest.raises(ValidationError, match="overlap on Monday"):
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": "eva@example.com", "courses": [{"course": course}],
                        "schedule": [{"day": "Monday", "start_time": "09:00", "end_time": "11:00"},
                                     {"day": "Monday", "start_time": "10:30", "end_time": "12:00"}]}).insert()
    with pytest.raises(ValidationError, match="From must be on or before To"):
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": "eva@example.com",
                        "unavailability": [{"from_date": "2026-05-02", "to_date": "2026-05-01"}]}).insert()


def test_saving_a_course_evaluator_grants_the_batch_evaluator_role(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course])
    assert "Batch Evaluator" in smooth.get_roles("eva@example.com")


def test_status_rules_after_booking(setup):
    request = book("lea@example.com", setup, next_weekday(MONDAY), "09:00")
    smooth.db.commit()
    smooth.set_user("leo@example.com")
    other = smooth.get_doc("LMS Certificate Request", request.name)
    other.status = "Cancelled"
    with pytest.raises(PermissionError):
        other.save()
    smooth.set_user("lea@example.com")
    mine = smooth.get_doc("LMS Certificate Request", request.name)
    mine.status = "Completed"
    with pytest.raises(PermissionError, match="from Pending to Completed .* needs the role Batch Evaluator"):
        mine.save()
    smooth.set_user("eva@example.com")
    theirs = smooth.get_doc("LMS Certificate Request", request.name)
    theirs.status = "Completed"
    with pytest.raises(PermissionError, match="the condition of .* does not hold"):  # the slot has not started
        theirs.save()
    slot_started(request.name)
    smooth.db.commit()
    theirs = smooth.get_doc("LMS Certificate Request", request.name)
    theirs.status = "Completed"
    theirs.save()
    theirs.status = "Pending"
    with pytest.raises(ValidationError, match="from Completed to Pending is not a workflow action from Completed"):
        theirs.save()
    smooth.set_user("Administrator")


def test_unknown_course_is_a_link_error_not_a_missing_evaluator(lms):
    make_user("lea@example.com", "LMS Student")
    with pytest.raises(LinkValidationError, match="Could not find Course: no-such-course"):
        book("lea@example.com", "no-such-course", next_weekday(MONDAY), "09:00")


def test_messages_show_the_learners_clock(setup):
    smooth.db.set_value("User", "leo@example.com", "time_zone", "Asia/Kolkata")
    smooth.db.commit()
    with pytest.raises(ValidationError, match=r"09:40 \(Asia/Kolkata\) is not a slot the evaluator offers"):
        book("leo@example.com", setup, next_weekday(MONDAY), "04:10")


def test_minimum_notice_is_enforced_with_the_first_allowed_time(setup):
    smooth.db.set_single_value("LMS Settings", "min_booking_notice_hours", 24 * 60)
    with pytest.raises(ValidationError, match="must be booked 1440 hours ahead; pick a slot from"):
        book("lea@example.com", setup, next_weekday(MONDAY), "09:00")

"""The evaluation attempt policy: a cool-down after a Fail and a cap on attempts, per course with site defaults;
a No Show counts; a Pass starts afresh. The booking refuses with the sentence the page shows (REST and the page:
tests/pages/test_learner_portal.py). Dates are compared in Python after plain filters: SQLite only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
from smooth_lms import attempt_policy, next_step
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

LEA, EVA = "lea.policy@example.com", "eva.policy@example.com"


@pytest.fixture
def course(lms: Any) -> str:
    name = make_course("Policy Course")
    make_evaluator(EVA, [name])
    make_learner(LEA, name)
    return name


def evaluated(course: str, status: str, days_ago: int = 0) -> None:
    """A booked request, its slot passed, evaluated `days_ago` with `status` (which completes the request)."""
    request = book(LEA, course, next_weekday(0), "09:00")
    slot_started(request.name)
    smooth.get_doc({"doctype": "LMS Certificate Evaluation", "certificate_request": request.name,
                    "date": smooth.today() - dt.timedelta(days=days_ago), "status": status}).insert()


def test_site_defaults_apply_until_the_course_sets_its_own(course: str) -> None:
    assert attempt_policy.why_wait(LEA, course) is None
    evaluated(course, "Fail", days_ago=2)
    assert attempt_policy.why_wait(LEA, course) is None  # no cool-down, no cap by default
    settings = smooth.get_doc("LMS Settings")
    settings.evaluation_cooldown_days = 7
    settings.save()
    opens = smooth.today() + dt.timedelta(days=5)
    assert f"you may book again from {opens:%d %B %Y}, after the 7-day cool-down (no limit on attempts)" in \
        attempt_policy.why_wait(LEA, course)
    smooth.db.set_value("LMS Course", course, "evaluation_cooldown_days", 1)
    assert attempt_policy.why_wait(LEA, course) is None  # the course's own 1 day has passed
    smooth.db.set_value("LMS Course", course, "evaluation_cooldown_days", 0)
    assert attempt_policy.why_wait(LEA, course) is None  # 0 on the course: no cool-down, whatever the site says


def test_a_no_show_counts_and_a_pass_starts_afresh(course: str) -> None:
    smooth.db.set_value("LMS Course", course, "max_evaluation_attempts", 2)
    evaluated(course, "Fail", days_ago=30)
    first = book(LEA, course, next_weekday(0), "09:00")
    slot_started(first.name)
    smooth.apply_workflow(smooth.get_doc("LMS Certificate Request", first.name), "Mark No Show")
    assert attempt_policy.attempts(LEA, course)[0] == 2
    why = attempt_policy.why_wait(LEA, course)
    assert why and "You have used all 2 evaluation attempts for this course" in why
    with pytest.raises(smooth.ValidationError, match="used all 2 evaluation attempts"):
        book(LEA, course, next_weekday(0, at_least_days=10), "09:00")
    step = next_step.after_lessons(LEA, {"name": course, "evaluation_required": 1}, True)
    assert step.label == "Next: your evaluation (see when you may book again)" and step.href.endswith("/certification")
    smooth.db.set_value("LMS Certificate Request", first.name, "date", smooth.today() - dt.timedelta(days=20))
    smooth.db.set_value("LMS Course", course, "max_evaluation_attempts", 0)
    evaluated(course, "Pass", days_ago=10)
    assert attempt_policy.attempts(LEA, course) == (0, None)  # re-certification later starts afresh

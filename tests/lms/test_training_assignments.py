"""Training assignments: one open per member and course, closed by finishing the course, overdue by the clock."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth_lms.training_assignments import assign_training, mark_overdue
from tests.lms.conftest import make_course, make_learner


def test_assign_enrols_once_and_finishing_closes_it(lms) -> None:
    course = make_course("Fire Safety")
    learner = make_learner("tara@example.com", course, progress=0)
    due = smooth.today() + dt.timedelta(days=30)
    first, created = assign_training(learner, course, due, "User", learner)
    again, created_again = assign_training(learner, course, due + dt.timedelta(days=5))
    assert created and not created_again and again == first
    assert smooth.db.count("LMS Enrollment", {"member": learner, "course": course}) == 1
    enrollment = smooth.get_doc("LMS Enrollment", smooth.db.get_value("LMS Enrollment", {"member": learner}))
    enrollment.progress = 100
    enrollment.save()
    done = smooth.get_doc("LMS Training Assignment", first)
    assert done.status == "Completed" and done.completed_on == smooth.today() and not done.open_key
    renewed, created = assign_training(learner, course, due)
    assert created and renewed != first


def test_overdue_by_the_daily_job(lms) -> None:
    course = make_course("Ladder Safety")
    learner = make_learner("uma@example.com", course, progress=0)
    name, _ = assign_training(learner, course, smooth.today() + dt.timedelta(days=1))
    smooth.db.set_value("LMS Training Assignment", name, {"due_date": smooth.today() - dt.timedelta(days=1),
                                                          "assigned_on": smooth.today() - dt.timedelta(days=9)})
    assert mark_overdue() == 1
    assert smooth.db.get_value("LMS Training Assignment", name, "status") == "Overdue"
    assert mark_overdue() == 0


def test_due_before_assigned_refused(lms) -> None:
    course = make_course("Hygiene")
    learner = make_learner("vic@example.com", course, progress=0)
    with pytest.raises(smooth.ValidationError, match="Due Date cannot be before Assigned On"):
        smooth.get_doc({"doctype": "LMS Training Assignment", "member": learner, "course": course,
                        "assigned_on": smooth.today(), "due_date": smooth.today() - dt.timedelta(days=2)}).insert()


def test_a_finished_course_is_recorded_completed_unless_retraining(lms) -> None:
    course = make_course("Manual Handling")
    learner = make_learner("wes@example.com", course, progress=100)
    due = smooth.today() + dt.timedelta(days=20)
    name, _ = assign_training(learner, course, due)
    assert smooth.db.get_value("LMS Training Assignment", name, "status") == "Completed"
    retrain, created = assign_training(learner, course, due, retrain=True)
    assert created and smooth.db.get_value("LMS Training Assignment", retrain, "status") == "Open"
    smooth.get_doc({"doctype": "LMS Certificate", "member": learner, "course": course,
                    "issue_date": smooth.today()}).insert()
    assert smooth.db.get_value("LMS Training Assignment", retrain, "status") == "Completed"

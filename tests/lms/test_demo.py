"""The demo data set the README's run command loads."""

from __future__ import annotations

import smooth
from smooth_hr.demo import make_demo_data as make_hr_demo_data
from smooth_lms.demo import make_demo_data


def test_demo_data_is_realistic_and_idempotent(lms):
    created = make_demo_data()
    assert created["LMS Course"] == 3 and created["Course Evaluator"] == 2 and created["LMS Batch"] == 1
    assert created["LMS Quiz"] == 1
    statuses = sorted(smooth.get_all("LMS Certificate Request", pluck="status"))
    assert statuses == ["Cancelled", "Completed", "Pending", "Pending"]
    evaluator = smooth.get_doc("Course Evaluator", "ben.evaluator@example.com")
    assert evaluator.unavailability and evaluator.unavailability[0].reason == "Annual leave"
    assert make_demo_data() == {}


def test_demo_courses_have_lessons_and_progress_follows_them(lms):
    make_demo_data()
    safety = smooth.db.get_value("LMS Course", {"title": "Workplace Safety"})
    assert smooth.db.count("Course Lesson", {"course": safety}) == 5
    progress = dict(smooth.get_all("LMS Enrollment", fields=["member", "progress"], filters={"course": safety},
                                   as_list=True))
    assert float(progress["tom.learner@example.com"]) == 40 and float(progress["omar.learner@example.com"]) == 100


def test_hr_demo_data_covers_every_compliance_status_and_is_idempotent(lms):
    make_demo_data()
    created = make_hr_demo_data()
    assert created["Employee"] == 5 and created["Employee Onboarding"] == 1
    statuses = set(smooth.get_all("Employee Compliance", pluck="status"))
    assert statuses == {"Pending", "Complete", "Expiring", "Expired"}
    lena = smooth.db.get_value("Employee", {"user_id": "lena.learner@example.com"}, ["reports_to"], as_dict=True)
    assert lena["reports_to"] == smooth.db.get_value("Employee", {"user_id": "maya.manager@example.com"})
    assert smooth.get_all("LMS Training Assignment", filters={"member": "tom.learner@example.com"}, pluck="status")
    assert make_hr_demo_data() == {}

"""The demo data set the README's run command loads (app data, no dialect difference: SQLite only)."""

from __future__ import annotations

import datetime as dt

import smooth
from smooth_hr.demo import make_demo_data as make_hr_demo_data
from smooth_lms.demo import AVA, TODAY_TAG, _todays_requests, make_demo_data
from smooth_lms.programs import why_locked
from smooth_lms.timezones import now_utc, to_wall


def test_demo_data_is_realistic_and_idempotent(lms):
    created = make_demo_data()
    assert created["LMS Course"] == 3 and created["Course Evaluator"] == 2 and created["LMS Batch"] == 1
    assert created["LMS Quiz"] == 1 and created["LMS Program"] == 1
    assert smooth.db.count("LMS Program Member") == 5  # the cohort's learners
    assert why_locked("tom.learner@example.com", "forklift-operation") == "Complete Workplace Safety first"
    assert why_locked("nina.learner@example.com", "forklift-operation") is None
    assert created["LMS Live Class"] == 1 and smooth.db.get_value("LMS Live Class", {}, "start_utc") > now_utc()
    statuses = sorted(smooth.get_all("LMS Certificate Request", pluck="status"))
    assert statuses == ["Cancelled", "Completed", "Completed"] + ["Pending"] * 5
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
    assert created["Employee"] == 6 and created["Employee Onboarding"] == 1
    statuses = set(smooth.get_all("Employee Compliance", pluck="status"))
    assert statuses == {"Pending", "Complete", "Expiring", "Expired"}
    expiring = smooth.get_all("Employee Document", filters={"expiry_date": [">", smooth.today()]},
                              fields=["employee", "expiry_date"])
    reminder_window = dt.timedelta(days=90)  # the forklift certification's first reminder
    assert any(smooth.getdate(d["expiry_date"]) - smooth.today() <= reminder_window for d in expiring)
    lena = smooth.db.get_value("Employee", {"user_id": "lena.learner@example.com"}, ["reports_to"], as_dict=True)
    assert lena["reports_to"] == smooth.db.get_value("Employee", {"user_id": "maya.manager@example.com"})
    assert smooth.get_all("LMS Training Assignment", filters={"member": "tom.learner@example.com"}, pluck="status")
    assert make_hr_demo_data() == {}


def _avas_pending() -> list[dict]:
    return smooth.get_all("LMS Certificate Request", fields=["member", "start_utc"], order_by="start_utc asc",
                          filters={"evaluator": AVA, "status": "Pending", "notes": TODAY_TAG})


def test_the_demo_lets_ava_complete_an_evaluation_today_and_shows_every_certificate_state(lms):
    make_demo_data()
    now = now_utc()
    today = to_wall(now, "Europe/Berlin").date()
    by_member = {r["member"]: r["start_utc"] for r in _avas_pending()}
    started, later, tomorrow = (by_member[m] for m in ("omar.learner@example.com", "sara.learner@example.com",
                                                       "lena.learner@example.com"))
    assert started <= now and to_wall(started, "Europe/Berlin").date() == today  # Complete is offered
    assert later > now and (to_wall(later, "Europe/Berlin").date() == today or later - now < dt.timedelta(hours=1))
    assert to_wall(tomorrow, "Europe/Berlin").date() == today + dt.timedelta(days=1)
    completed = smooth.get_all("LMS Certificate Request", filters={"status": "Completed"},
                               fields=["member", "certificate"])
    assert {r["member"]: bool(r["certificate"]) for r in completed} == {"omar.learner@example.com": False,
                                                                         "nina.learner@example.com": True}
    assert smooth.db.exists("LMS Certificate", {"member": "nina.learner@example.com"})


def test_a_run_on_a_later_day_moves_avas_day_along(lms):
    make_demo_data()
    safety = smooth.db.get_value("LMS Course", {"title": "Workplace Safety"})
    forklift = smooth.db.get_value("LMS Course", {"title": "Forklift Operation"})
    next_day = now_utc() + dt.timedelta(days=1)
    _todays_requests(safety, forklift, {}, now=next_day)
    started = {r["member"]: r["start_utc"] for r in _avas_pending()}["omar.learner@example.com"]
    assert started <= next_day
    assert to_wall(started, "Europe/Berlin").date() == to_wall(next_day, "Europe/Berlin").date()
    moved_not_added = smooth.db.count("LMS Certificate Request", {"notes": TODAY_TAG, "status": "Pending"})
    assert moved_not_added == 3

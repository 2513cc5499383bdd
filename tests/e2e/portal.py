"""Data and steps shared by the portal's browser tests: a course with lessons, an evaluator in Berlin, learners."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from playwright.sync_api import Page

import smooth
from smooth_lms import learning
from tests.conftest import make_user
from tests.e2e.conftest import LiveSite, log_in
from tests.lms.conftest import make_course, make_evaluator
from tests.lms.content import add_lessons

PASSWORD = "learn-pw-1"
EVALUATOR = "eve.berlin@example.com"
BERLIN, KOLKATA = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("Asia/Kolkata")
ALL_WEEK = [(day, "09:00", "12:00") for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]


def learner(email: str, zone: str = "Asia/Kolkata") -> str:
    make_user(email, "LMS Student", password=PASSWORD)
    smooth.db.set_value("User", email, {"user_type": "Website User", "time_zone": zone})
    smooth.db.commit()
    return email


def course_with_evaluator(live: LiveSite, title: str = "Portal Safety", lessons: int = 3,
                          schedule: list[tuple[str, str, str]] | None = None) -> tuple[str, list[str]]:
    """A published course needing an evaluation, its lessons in two chapters, one evaluator working in Berlin."""
    with live.handle.context():
        course = make_course(title)
        names = add_lessons(course, {"Basics": [f"Lesson {i}" for i in range(1, lessons)], "Wrap-up": ["Last"]})
        make_evaluator(EVALUATOR, [course], schedule or ALL_WEEK, timezone="Europe/Berlin")
        smooth.db.set_value("User", EVALUATOR, {"first_name": "Eve", "last_name": "Berlin", "full_name": "Eve Berlin"})
        smooth.db.commit()
    return course, names


def enrol_and_complete(live: LiveSite, email: str, course: str, lessons: list[str]) -> None:
    """Enrol and complete lessons directly (for tests about booking, not about lessons)."""
    with live.handle.context():
        smooth.set_user(email)
        learning.enroll(course)
        for lesson in lessons:
            learning.save_progress(lesson)
        smooth.set_user("Administrator")
        smooth.db.commit()


def weekday_ahead(weekday: int, at_least_days: int = 3) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=at_least_days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=dt.UTC)


def clock(value: str, tz: zoneinfo.ZoneInfo) -> str:
    return f"{utc(value).astimezone(tz):%H:%M}"


def open_picker(page: Page, course: str, day: dt.date | None = None) -> None:
    page.goto(f"/lms/courses/{course}/certification" + (f"?date={day.isoformat()}" if day else ""))


def log_in_learner(page: Page, email: str) -> None:
    log_in(page, email, PASSWORD)

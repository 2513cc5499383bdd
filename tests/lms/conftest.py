"""A site with Smooth LMS and Smooth HR installed, once per backend, and booking factories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

import smooth
from tests.conftest import BACKENDS, SessionPool, SiteHandle, make_user, session_site
from tests.mail.conftest import smtp_server  # noqa: F401  (the SMTP sink, for the notification tests)

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", params=BACKENDS)
def lms_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pool: SessionPool) -> SiteHandle:
    """The LMS + HR site. App tests get it on SQLite only unless marked `both_backends` (tests/conftest.py)."""
    return pool.get(("lms_site", request.param), lambda: session_site(
        tmp_path_factory.mktemp(f"lms-{request.param}"), request.param, [str(REPO_ROOT)], prefix="lms"))


CORE_RECORDS_OF_APP_DOCUMENTS = ("Version", "Series", "Comment", "File", "Workflow Action", "Notification Log",
                                  "Notification", "Notification Recipient", "Notification Claim",
                                  "Email Queue", "Email Queue Recipient", "Error Log", "Job Outbox", "Access Log",
                                  "Activity Log", "Personal Data Download Request", "Personal Data Deletion Request",
                                  "Personal Data Deletion Step")


def clean(handle: SiteHandle) -> None:
    with handle.context():
        site = smooth.local.site
        for meta in site.registry:
            if meta.app == "smooth_apps" and not meta.issingle:
                smooth.db.execute(delete(site.table(meta.name)), write=True)
        singles = site.table("Singles")
        smooth.db.execute(delete(singles).where(singles.c.doctype == "LMS Settings"), write=True)
        # the core's records about app documents go too: the site is shared by every file a worker runs, and a
        # File or Workflow Action left pointing at a deleted record would be read as a new record's of the same name
        for table in CORE_RECORDS_OF_APP_DOCUMENTS:
            smooth.db.execute(delete(site.table(table)), write=True)
        for user in smooth.get_all("User", filters={"name": ["not in", ["Administrator", "Guest"]]}, pluck="name"):
            smooth.delete_doc("User", user, force=True)
        smooth.db.commit()


@pytest.fixture
def lms(lms_site: SiteHandle) -> Iterator[SiteHandle]:
    """The LMS site, cleaned, bound to this thread as Administrator."""
    clean(lms_site)
    with lms_site.context():
        yield lms_site
        smooth.db.rollback()
    clean(lms_site)


def next_weekday(weekday: int, at_least_days: int = 3) -> dt.date:
    day = smooth.today() + dt.timedelta(days=at_least_days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def make_course(title: str = "Safety Basics", **values: Any) -> str:
    doc = smooth.get_doc({"doctype": "LMS Course", "title": title, "published": 1, "evaluation_required": 1,
                          "evaluation_slot_minutes": 30, **values}).insert()
    return doc.name


def make_evaluator(email: str, courses: list[str], schedule: list[tuple[str, str, str]] | None = None,
                   **values: Any) -> str:
    make_user(email)
    doc = smooth.get_doc({
        "doctype": "Course Evaluator", "evaluator": email,
        "courses": [{"course": c} for c in courses],
        "schedule": [{"day": d, "start_time": s, "end_time": e}
                     for d, s, e in (schedule or [("Monday", "09:00", "12:00"), ("Wednesday", "14:00", "16:00")])],
        **values,
    }).insert()
    smooth.db.commit()
    return doc.name


def make_learner(email: str, course: str, progress: float = 100, **user_values: Any) -> str:
    make_user(email, "LMS Student")
    if user_values:
        smooth.db.set_value("User", email, user_values)
    smooth.get_doc({"doctype": "LMS Enrollment", "member": email, "course": course, "progress": progress}).insert()
    smooth.db.commit()
    return email


def slot_started(name: str, minutes_ago: int = 60) -> None:
    """Move a booked request's slot into the past (as if its time had come): the workflow completes
    only requests whose slot has started, and a booking is never accepted in the past."""
    start_utc = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=minutes_ago)
    wall = smooth.now_datetime() - dt.timedelta(minutes=minutes_ago)
    smooth.db.set_value("LMS Certificate Request", name, {
        "date": wall.date(), "start_time": wall.time().replace(microsecond=0), "start_utc": start_utc,
        "end_time": (wall + dt.timedelta(minutes=30)).time().replace(microsecond=0),
        "end_utc": start_utc + dt.timedelta(minutes=30)})


def book(member: str, course: str, day: dt.date, start: str, **values: Any) -> Any:
    smooth.set_user(member)
    try:
        return smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": member,
                               "date": day, "start_time": start, **values}).insert()
    finally:
        smooth.set_user("Administrator")

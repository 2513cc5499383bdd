"""Certificate requests for the desk tests: two evaluators, three learners, mixed statuses.

Shared by the page tests (httpx) and the browser tests (Playwright). Every user's password is
PASSWORD; the evaluators get the Batch Evaluator role from their Course Evaluator record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import smooth
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday

PASSWORD = "secret-pw"
MONDAY = 0
EVA1, EVA2 = "eva1@example.com", "eva2@example.com"
LEA1, LEA2, LEA3 = "lea1@example.com", "lea2@example.com", "lea3@example.com"
MODERATOR = "moderator@example.com"
AVA, LENA = "ava@example.com", "lena@example.com"  # on a UTC site, both in Europe/Berlin
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class DeskData:
    course_a: str
    course_b: str
    r1: str  # LEA1, course A, EVA1, Pending
    r2: str  # LEA2, course A, EVA1, Completed
    r3: str  # LEA3, course B, EVA2, Pending


def make_desk_data(handle: SiteHandle) -> DeskData:
    with handle.context():
        course_a = make_course("Safety Basics")
        course_b = make_course("Forklift Driving")
        make_evaluator(EVA1, [course_a], [("Monday", "09:00", "12:00")])
        make_evaluator(EVA2, [course_b], [("Monday", "09:00", "12:00")])
        make_learner(LEA1, course_a)
        make_learner(LEA2, course_a)
        make_learner(LEA3, course_b)
        make_user(MODERATOR, "Moderator")
        day = next_weekday(MONDAY)
        r1 = book(LEA1, course_a, day, "09:00").name
        r2 = book(LEA2, course_a, day, "09:30")
        r3 = book(LEA3, course_b, day, "10:00").name
        r2.status = "Completed"
        r2.flags.ignore_workflow = True  # seeded history: the slot is still to come
        r2.save()
        smooth.db.commit()
        return DeskData(course_a, course_b, r1, r2.name, r3)


def booked_at_nine_berlin(handle: SiteHandle) -> tuple[str, str, dt.datetime]:
    """(request, evaluator record, the start as UTC) of a 09:00 Berlin booking on a UTC site."""
    with handle.context():
        assert smooth.local.site.time_zone == "UTC"
        course = make_course()
        evaluator = make_evaluator(AVA, [course], [("Monday", "09:00", "12:00")], timezone="Europe/Berlin")
        smooth.db.set_value("User", AVA, "time_zone", "Europe/Berlin")
        make_learner(LENA, course, time_zone="Europe/Berlin")
        start = dt.datetime.combine(next_weekday(0, 7), dt.time(9), BERLIN).astimezone(dt.UTC)
        name = book(LENA, course, start.date(), start.strftime("%H:%M")).name
        smooth.db.commit()
    return name, evaluator, start

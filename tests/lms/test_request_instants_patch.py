"""The post-model-sync patch that gives requests stored before start_utc / end_utc their instants."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth_lms.patches.v0_1 import fill_request_instants
from tests.lms.conftest import REPO_ROOT, book, make_course, make_evaluator, make_learner, next_weekday
from tests.lms.test_dst_booking import system_zone  # noqa: F401  (fixture)

pytestmark = pytest.mark.both_backends  # a patch rewriting stored rows


def forget_instants(name: str) -> None:
    smooth.db.set_value("LMS Certificate Request", name, {"start_utc": None, "end_utc": None},
                        update_modified=False)


def test_patch_is_listed_after_the_schema_sync():
    lines = (REPO_ROOT / "patches.txt").read_text().split("[post_model_sync]")[1].split()
    assert "smooth_lms.patches.v0_1.fill_request_instants" in lines


def test_existing_requests_get_the_instants_of_their_wall_clock(system_zone):  # noqa: F811
    system_zone("Europe/Berlin")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "00:00", "06:00"), ("Sunday", "22:00", "23:30")],
                   timezone="UTC")
    for learner in ("a@example.com", "b@example.com", "c@example.com"):
        make_learner(learner, course)
    repeated = book("a@example.com", course, dt.date(2027, 10, 31), "02:30",
                    start_utc=dt.datetime(2027, 10, 31, 0, 30))
    sunday = next_weekday(6)  # in December: Berlin is at +01:00
    late = book("b@example.com", course, sunday, "23:30")  # ends at 00:00 on Monday in Berlin
    untouched = book("c@example.com", course, dt.date(2027, 10, 31), "04:00")
    for request in (repeated, late):
        forget_instants(request.name)
    # the old controller wrote start + 30 minutes on the wall clock: 02:30 -> 03:00, an hour too late in real time
    smooth.db.set_value("LMS Certificate Request", repeated.name, "end_time", dt.time(3), update_modified=False)
    smooth.db.set_value("LMS Certificate Request", untouched.name, "end_utc", dt.datetime(2000, 1, 1),
                        update_modified=False)
    fill_request_instants.execute()
    stored = {r["name"]: (r["start_utc"], r["end_utc"]) for r in smooth.get_all(
        "LMS Certificate Request", fields=["name", "start_utc", "end_utc"])}
    # a wall clock alone cannot say which 02:30: the first occurrence, as such rows were checked when booked
    assert stored[repeated.name] == (dt.datetime(2027, 10, 31, 0, 30), dt.datetime(2027, 10, 31, 1, 0))
    assert stored[late.name] == (dt.datetime.combine(sunday, dt.time(22, 30)), dt.datetime.combine(sunday, dt.time(23)))
    assert stored[untouched.name][1] == dt.datetime(2000, 1, 1)  # rows that have instants are left alone

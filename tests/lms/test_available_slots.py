"""get_available_slots: what it offers can be booked; what is taken or blocked is never offered."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smooth
from smooth_lms.api import get_available_slots
from tests.conftest import make_user
from tests.lms.conftest import book, clean, make_course, make_evaluator, make_learner, next_weekday

pytestmark = pytest.mark.both_backends  # booked and blocked slots are read back by date and time range


def flat(groups):
    return [slot for group in groups for slot in group["slots"]]


def test_slots_are_grouped_by_the_learners_local_date(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Monday", "22:00", "23:00")])
    monday = next_weekday(0)
    groups = get_available_slots(course, from_date=monday, days=1, timezone="Asia/Kolkata")
    # 22:00 UTC is 03:30 the next day in Kolkata: the group is Tuesday there
    assert [g["date"] for g in groups] == [(monday + dt.timedelta(days=1)).isoformat()]
    first = groups[0]["slots"][0]
    assert (first["date"], first["start_time"], first["local_start_time"]) == (monday.isoformat(), "22:00:00", "03:30")
    assert groups[0]["timezone"] == "Asia/Kolkata (GMT+05:30)"


def test_booked_slots_disappear_and_cancelled_ones_return(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course])
    make_learner("lea@example.com", course)
    monday = next_weekday(0)
    before = flat(get_available_slots(course, from_date=monday, days=1))
    request = book("lea@example.com", course, monday, "09:00")
    after = flat(get_available_slots(course, from_date=monday, days=1))
    assert len(after) == len(before) - 1 and "09:00:00" not in [s["start_time"] for s in after]
    request.status = "Cancelled"
    request.save()
    assert len(flat(get_available_slots(course, from_date=monday, days=1))) == len(before)


def test_pool_slots_are_the_union_of_free_evaluators(lms):
    course = make_course()
    make_evaluator("ann@example.com", [course], [("Monday", "09:00", "10:00")])
    make_evaluator("bob@example.com", [course], [("Monday", "09:00", "10:00")])
    make_learner("lea@example.com", course)
    monday = next_weekday(0)
    book("lea@example.com", course, monday, "09:00")
    slots = flat(get_available_slots(course, from_date=monday, days=1))
    assert [(s["start_time"], s["evaluators_free"]) for s in slots] == [("09:00:00", 1), ("09:30:00", 2)]


def test_window_stops_at_the_cohort_evaluation_end(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course])
    make_learner("lea@example.com", course)
    monday = next_weekday(0)
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Cohort",
                            "evaluation_end_date": monday + dt.timedelta(days=3),
                            "courses": [{"course": course}], "members": [{"member": "lea@example.com"}]}).insert()
    dates = {s["date"] for s in flat(get_available_slots(course, batch=batch.name, from_date=monday, days=30))}
    assert dates == {monday.isoformat(), (monday + dt.timedelta(days=2)).isoformat()}


def test_past_slots_are_not_offered(lms):
    course = make_course()
    make_evaluator("eva@example.com", [course], [(d, "00:00", "23:30") for d in
                                                  ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                   "Saturday", "Sunday")])
    now = smooth.now_datetime()
    for slot in flat(get_available_slots(course, days=2)):
        assert dt.datetime.fromisoformat(f"{slot['date']} {slot['start_time']}") >= now


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
half_hours = st.integers(min_value=12, max_value=40)


@st.composite
def scenario(draw):
    rows = []
    for day in draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True)):
        a, b = sorted(draw(st.lists(half_hours, min_size=2, max_size=2, unique=True)))
        rows.append((day, f"{a // 2:02d}:{30 * (a % 2):02d}", f"{b // 2:02d}:{30 * (b % 2):02d}"))
    leave = draw(st.lists(st.tuples(st.integers(0, 13), st.integers(0, 2)), max_size=2))
    bookings = draw(st.lists(st.integers(0, 200), max_size=4))
    return rows, leave, bookings


def test_offered_slots_are_bookable_and_never_taken(lms_site):
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=scenario())
    def check(data):
        rows, leave, booking_picks = data
        clean(lms_site)
        with lms_site.context():
            course = make_course("Property Course")
            start = next_weekday(0)
            make_evaluator("eva@example.com", [course], rows, unavailability=[
                {"from_date": start + dt.timedelta(days=a), "to_date": start + dt.timedelta(days=a + n)}
                for a, n in leave])
            make_user("mod@example.com", "Moderator")
            offered = flat(get_available_slots(course, from_date=start, days=14))
            taken = []
            for i, pick in enumerate(booking_picks):
                if not offered:
                    break
                slot = offered[pick % len(offered)]
                learner = make_learner(f"b{i}@example.com", course)
                try:
                    book(learner, course, dt.date.fromisoformat(slot["date"]), slot["start_time"])
                    smooth.db.commit()
                    taken.append(slot)
                except smooth.ValidationError:
                    smooth.db.rollback()
                    assert slot in taken or any(_overlap(slot, t) for t in taken), slot
            remaining = flat(get_available_slots(course, from_date=start, days=14))
            blocked_days = {start + dt.timedelta(days=a + k) for a, n in leave for k in range(n + 1)}
            for slot in remaining:
                assert not any(_overlap(slot, t) for t in taken), slot
                assert dt.date.fromisoformat(slot["date"]) not in blocked_days
            for i, slot in enumerate(remaining[:3]):
                learner = make_learner(f"r{i}@example.com", course)
                book(learner, course, dt.date.fromisoformat(slot["date"]), slot["start_time"])
                smooth.db.rollback()

    check()


def _overlap(a, b):
    start_a = dt.datetime.fromisoformat(f"{a['date']} {a['start_time']}")
    start_b = dt.datetime.fromisoformat(f"{b['date']} {b['start_time']}")
    return start_a < start_b + dt.timedelta(minutes=30) and start_b < start_a + dt.timedelta(minutes=30)


def test_calendars_come_from_the_site_cache_until_an_evaluator_is_edited(lms):
    """Course Evaluator and its tables are `site_cache_doctypes`: a second read sends no calendar query, and a
    committed edit of the schedule (or a leave row) is offered from the next unit of work on."""
    from sqlalchemy import event

    course = make_course()
    make_evaluator("eva@example.com", [course], [("Monday", "09:00", "10:00")])
    smooth.db.commit()
    monday = next_weekday(0)
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = smooth.db.connection().engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert len(flat(get_available_slots(course, from_date=monday, days=1))) == 2
        smooth.db.commit()
        sent.clear()
        assert len(flat(get_available_slots(course, from_date=monday, days=1))) == 2
        smooth.db.commit()
        assert not [s for s in sent if "Evaluator Schedule" in s or "Evaluator Course" in s], sent
        evaluator = smooth.get_doc("Course Evaluator", "eva@example.com")
        evaluator.schedule[0].end_time = "11:00"
        evaluator.save()
        smooth.db.commit()
        assert len(flat(get_available_slots(course, from_date=monday, days=1))) == 4
        smooth.db.commit()
        evaluator = smooth.get_doc("Course Evaluator", "eva@example.com")
        evaluator.append("unavailability", {"from_date": monday, "to_date": monday, "reason": "Away"})
        evaluator.save()
        smooth.db.commit()
        assert flat(get_available_slots(course, from_date=monday, days=1)) == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)

"""Races the database must settle: many learners, one slot; one learner, two tabs."""

from __future__ import annotations

import threading

import pytest

import smooth
from smooth.context import rerun_on_deadlock
from smooth.exceptions import ValidationError
from smooth_lms.doctype.lms_certificate_request.lms_certificate_request import (
    DuplicateRequestError,
    SlotBookedError,
)
from tests.lms.conftest import make_course, make_evaluator, make_learner, next_weekday

pytestmark = pytest.mark.both_backends  # races for one slot are settled by the database's row locks

THREADS = 30


def race(handle, jobs):
    """Run each job in its own thread with its own site context (own connection), all released at once; a job
    the database stops to break a deadlock runs once more, as a request does."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def run(index: int, job) -> None:
        with handle.context() as _ctx:
            try:
                barrier.wait()
                outcomes[index] = rerun_on_deadlock(lambda: in_unit(job))
            except Exception as exc:
                outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def in_unit(job):
    with smooth.unit_of_work():
        return job()


def booking(member: str, course: str, day, start: str):
    def job():
        smooth.set_user(member)
        return smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": member,
                               "date": day, "start_time": start}).insert().name

    return job


def test_thirty_learners_one_slot_exactly_one_wins(lms):
    course = make_course("Rigging")
    make_evaluator("eva@example.com", [course])
    learners = [make_learner(f"racer{i}@example.com", course) for i in range(THREADS)]
    day = next_weekday(0)
    outcomes = race(lms, [booking(m, course, day, "09:00") for m in learners])
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, SlotBookedError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == THREADS - 1, [repr(o) for o in outcomes if not isinstance(o, SlotBookedError | str)]
    assert all("Slot already booked" in str(e) for e in losers)
    smooth.db.rollback()
    assert smooth.db.count("LMS Certificate Request", {"evaluator": "eva@example.com", "date": day}) == 1


def test_two_tabs_of_one_learner_create_one_pending_request(lms):
    course = make_course("Scaffolding")
    make_evaluator("eva@example.com", [course])
    make_evaluator("eve@example.com", [course])
    make_learner("lea@example.com", course)
    day = next_weekday(0)
    outcomes = race(lms, [booking("lea@example.com", course, day, "09:00"),
                          booking("lea@example.com", course, day, "10:00")])
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], DuplicateRequestError), failures
    assert isinstance(failures[0], ValidationError)
    smooth.db.rollback()
    assert smooth.db.count("LMS Certificate Request", {"member": "lea@example.com", "status": "Pending"}) == 1


@pytest.mark.parametrize("attempt", range(2))
def test_overlapping_slot_lengths_never_double_book(lms, attempt):
    """Two courses with different slot lengths share one evaluator: overlapping starts must not both win."""
    short = make_course(f"Short {attempt}", evaluation_slot_minutes=30)
    long = make_course(f"Long {attempt}", evaluation_slot_minutes=60)
    make_evaluator("eva@example.com", [short, long])
    make_learner("a@example.com", short)
    make_learner("b@example.com", long)
    day = next_weekday(0)
    outcomes = race(lms, [booking("a@example.com", short, day, "09:30"),
                          booking("b@example.com", long, day, "09:00")])
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes


def pooled_course(title: str, evaluators: int = 3) -> tuple[str, list[str]]:
    course = make_course(title)
    pool = [f"eva{i}@example.com" for i in range(evaluators)]
    for email in pool:
        make_evaluator(email, [course])
    return course, pool


def test_a_pool_racing_for_one_slot_gives_it_to_each_evaluator_once(lms):
    """Bookings lock only the evaluator they take, skipping one another booking holds: as many win as the pool
    has evaluators, each with another one, and the rest are told the slot is taken (no lock error)."""
    course, pool = pooled_course("Welding")
    learners = [make_learner(f"welder{i}@example.com", course) for i in range(12)]
    day = next_weekday(0)
    outcomes = race(lms, [booking(m, course, day, "10:00") for m in learners])
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == len(pool), outcomes
    assert all(isinstance(o, SlotBookedError) for o in outcomes if not isinstance(o, str)), \
        [repr(o) for o in outcomes if not isinstance(o, SlotBookedError | str)]
    smooth.db.rollback()
    taken = smooth.get_all("LMS Certificate Request", filters={"course": course, "date": day}, pluck="evaluator")
    assert sorted(taken) == pool


def test_a_pool_booked_at_many_times_at_once_never_double_books_anyone(lms):
    """Learners booking a pool at a few times at once: every one booked, no evaluator twice at one time."""
    course, _pool = pooled_course("Plumbing")
    learners = [make_learner(f"plumber{i}@example.com", course) for i in range(9)]
    day = next_weekday(0)
    times = ["09:00", "09:30", "10:00"]
    outcomes = race(lms, [booking(m, course, day, times[i % 3]) for i, m in enumerate(learners)])
    assert all(isinstance(o, str) for o in outcomes), [repr(o) for o in outcomes if not isinstance(o, str)]
    smooth.db.rollback()
    rows = smooth.get_all("LMS Certificate Request", filters={"course": course, "date": day},
                          fields=["evaluator", "start_time"])
    assert len({(r["evaluator"], r["start_time"]) for r in rows}) == len(learners)

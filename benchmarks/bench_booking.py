"""Evaluation booking: availability over 60 days with 50,000 requests, and the booking insert path.

    .venv/bin/python benchmarks/bench_booking.py [--requests 50000] [--bookings 100] [--rounds 21]
                                                 [--mariadb-url URL] [--quick]

Each is measured against a hand-written SQLAlchemy baseline doing the same core job in the
same run: for availability, read the schedule and the window's bookings with one indexed
query and cut free 30-minute slots; for booking, lock the evaluator row, check overlap and
duplicates with queries, insert, commit. Printed: medians in ms and the ratios (ours / baseline),
and the SQL statements each booking sends (counted by SQLAlchemy's `before_cursor_execute`).
A booking is timed as a request costs it: the jobs it enqueues (the booking mails) run after
the response (`smooth.deferred_jobs`), so they are timed apart and printed on their own line.
A second course has a pool of 20 evaluators, so the system picks one: its bookings are timed
and counted too.
--quick (or SMOOTH_BENCH_QUICK=1): 200 requests, 3 bookings, 1 round; every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import time
import zoneinfo
from pathlib import Path
from typing import Any

from harness import add_common_arguments, each_backend, size, temporary_site
from sqlalchemy import and_, event, func, insert, select

import smooth
from smooth_lms.api import get_available_slots

REPO = Path(__file__).resolve().parents[1]
EVALUATOR = "eva@bench.example"
POOL = [f"pool{i:02d}@bench.example" for i in range(20)]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def setup(requests: int) -> str:
    """The evaluator, the course and `requests` past and future requests (bulk-inserted: setup is not judged)."""
    smooth.get_doc({"doctype": "User", "email": EVALUATOR, "first_name": "Eva"}).insert()
    course = smooth.get_doc({"doctype": "LMS Course", "title": "Bench Course", "published": 1,
                             "evaluation_slot_minutes": 30}).insert().name
    smooth.get_doc({"doctype": "Course Evaluator", "evaluator": EVALUATOR, "courses": [{"course": course}],
                    "schedule": [{"day": d, "start_time": "08:00", "end_time": "18:00"} for d in WEEKDAYS]}).insert()
    table = smooth.db.table("LMS Certificate Request")
    rng = random.Random(7)
    zone = zoneinfo.ZoneInfo(smooth.local.site.time_zone)
    today = smooth.today()
    rows = []
    now = smooth.now_datetime()
    for i in range(requests):
        mine = i % 100 == 0  # 1% belong to the measured evaluator, spread over two years
        day = today + dt.timedelta(days=rng.randint(-365, 365))
        start = dt.time(8 + rng.randint(0, 19) // 2, 30 * rng.randint(0, 1))
        end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=30)).time()
        start_utc = dt.datetime.combine(day, start, zone).astimezone(dt.UTC).replace(tzinfo=None)
        rows.append({"name": f"BENCH-{i:06d}", "owner": "Administrator", "creation": now, "modified": now,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "course": course,
                     "member": f"learner{i}@bench.example", "evaluator": EVALUATOR if mine else f"other{i % 97}@x",
                     "date": day, "day": day.strftime("%A"), "start_time": start, "end_time": end,
                     "start_utc": start_utc, "end_utc": start_utc + dt.timedelta(minutes=30),
                     "status": rng.choice(["Pending", "Completed", "Cancelled"]), "timezone": "UTC"})
        if len(rows) == 5000:
            smooth.db.execute(insert(table), rows, write=True)
            rows = []
    if rows:
        smooth.db.execute(insert(table), rows, write=True)
    smooth.db.commit()
    return course


def setup_pool() -> str:
    """A course whose 20 evaluators all offer the same week: a booking is given to one of them."""
    course = smooth.get_doc({"doctype": "LMS Course", "title": "Pool Course", "published": 1,
                             "evaluation_slot_minutes": 30}).insert().name
    for user in POOL:
        smooth.get_doc({"doctype": "User", "email": user, "first_name": user.split("@")[0]}).insert()
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": user, "courses": [{"course": course}],
                        "schedule": [{"day": d, "start_time": "08:00", "end_time": "18:00"} for d in WEEKDAYS]}
                       ).insert()
    smooth.db.commit()
    return course


class StatementCounter:
    """SQL statements the engine sends while `counting` is on (SQLAlchemy's before_cursor_execute)."""

    def __init__(self) -> None:
        self.counting = False
        self.count = 0
        event.listen(smooth.db.connection().engine, "before_cursor_execute", self.seen)

    def seen(self, *_args: Any) -> None:
        if self.counting:
            self.count += 1

    def remove(self) -> None:
        event.remove(smooth.db.connection().engine, "before_cursor_execute", self.seen)


def book(counter: StatementCounter, course: str, member: str, day: dt.date, start_time: dt.time) -> tuple[
        float, int, float]:
    """One booking as `member`, as a request costs it: (seconds, statements, seconds of the jobs run after)."""
    smooth.set_user(member)
    counter.count, counter.counting = 0, True
    with smooth.deferred_jobs() as jobs:
        t0 = time.perf_counter()
        smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": member,
                        "date": day, "start_time": start_time}).insert()
        smooth.db.commit()
        elapsed = time.perf_counter() - t0
    counter.counting = False
    t0 = time.perf_counter()
    jobs.run()
    after = time.perf_counter() - t0
    smooth.set_user("Administrator")
    return elapsed, counter.count, after


def baseline_availability(days: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Free slots of the next `days` days by hand: one schedule read, one indexed window read, one sweep."""
    conn = smooth.db.connection()
    schedule_table = smooth.db.table("Evaluator Schedule")
    requests = smooth.db.table("LMS Certificate Request")
    schedule: dict[str, list[tuple[dt.time, dt.time]]] = {}
    for day, start, end in conn.execute(select(schedule_table.c.day, schedule_table.c.start_time,
                                               schedule_table.c.end_time).where(schedule_table.c.parent == EVALUATOR)):
        schedule.setdefault(day, []).append((start, end))
    first = dt.date.today()
    last = first + dt.timedelta(days=days - 1)
    booked = sorted(
        (dt.datetime.combine(d, s), dt.datetime.combine(d, e))
        for d, s, e in conn.execute(select(requests.c.date, requests.c.start_time, requests.c.end_time).where(and_(
            requests.c.evaluator == EVALUATOR, requests.c.date.between(first, last),
            requests.c.status != "Cancelled"))))
    now = dt.datetime.now()
    free, position, latest = [], 0, dt.datetime.min
    step = dt.timedelta(minutes=30)
    day = first
    while day <= last:
        for start, end in sorted(schedule.get(day.strftime("%A"), [])):
            slot = dt.datetime.combine(day, start)
            while slot + step <= dt.datetime.combine(day, end):
                while position < len(booked) and booked[position][0] < slot + step:
                    latest = max(latest, booked[position][1])
                    position += 1
                if slot >= now and latest <= slot:
                    free.append((slot, slot + step))
                slot += step
        day += dt.timedelta(days=1)
    return free


def baseline_book(course: str, member: str, day: dt.date, start: dt.time) -> None:
    """The booking by hand: the same lock, overlap and duplicate checks Smooth LMS makes, then the INSERT."""
    conn = smooth.db.connection()
    requests = smooth.db.table("LMS Certificate Request")
    evaluators = smooth.db.table("Course Evaluator")
    conn.execute(select(evaluators.c.name).where(evaluators.c.name == EVALUATOR).with_for_update())
    begin = dt.datetime.combine(day, start)
    end = (begin + dt.timedelta(minutes=30)).time()
    clash = conn.execute(select(func.count()).select_from(requests).where(and_(
        requests.c.evaluator == EVALUATOR, requests.c.date == day, requests.c.status != "Cancelled",
        requests.c.start_time < end, requests.c.end_time > start))).scalar_one()
    duplicate = conn.execute(select(func.count()).select_from(requests).where(and_(
        requests.c.member == member, requests.c.course == course, requests.c.status == "Pending"))).scalar_one()
    if clash or duplicate:
        raise RuntimeError("baseline refused a free slot")
    now = dt.datetime.now()
    conn.execute(insert(requests).values(
        name=f"BASE-{secrets.token_hex(6)}", owner=member, creation=now, modified=now, modified_by=member,
        docstatus=0, idx=0, course=course, member=member, evaluator=EVALUATOR, date=day, day=day.strftime("%A"),
        start_time=start, end_time=end, status="Pending", timezone="UTC"))
    smooth.db.commit()


def learners(course: str, count: int, prefix: str) -> list[str]:
    """One student per booking, so the duplicate-request check never refuses a measured booking."""
    emails = []
    for i in range(count):
        email = f"{prefix}{i}@bench.example"
        smooth.get_doc({"doctype": "User", "email": email, "first_name": f"L{i}",
                        "roles": [{"role": "LMS Student"}]}).insert()
        emails.append(email)
    smooth.db.commit()
    return emails


def run(backend: str, requests: int, bookings: int, rounds: int, mariadb_url: str | None) -> dict[str, Any]:
    """Measure on a fresh site of `backend` with the repo's apps (Smooth LMS), dropped afterwards."""
    with temporary_site(backend, [str(REPO)], mariadb_url):
        return measure(requests, bookings, rounds)


def measure(requests: int, bookings: int, rounds: int) -> dict[str, Any]:
    """Medians of `rounds` availability reads (answers compared) and of `bookings` bookings per side."""
    out: dict[str, Any] = {}
    course = setup(requests)
    ours, base = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        offered = get_available_slots(course, days=60)
        ours.append(time.perf_counter() - start)
        smooth.db.commit()
        start = time.perf_counter()
        reference = baseline_availability(60)
        base.append(time.perf_counter() - start)
        smooth.db.commit()
    count = sum(len(g["slots"]) for g in offered)
    assert count == len(reference), (count, len(reference))
    out["slots"] = count
    out["availability"] = (statistics.median(ours), statistics.median(base))
    free = [(dt.date.fromisoformat(s["date"]), dt.time.fromisoformat(s["start_time"]))
            for g in offered for s in g["slots"]]
    ours_members = learners(course, bookings, "o")
    base_members = learners(course, bookings, "b")
    counter = StatementCounter()
    ours, base, statements, jobs = [], [], [], []
    for i in range(bookings):
        day, start_time = free[2 * i]
        elapsed, sent, after = book(counter, course, ours_members[i], day, start_time)
        ours.append(elapsed)
        statements.append(sent)
        jobs.append(after)
        day, start_time = free[2 * i + 1]
        counter.count, counter.counting = 0, True
        t0 = time.perf_counter()
        baseline_book(course, base_members[i], day, start_time)
        base.append(time.perf_counter() - t0)
        counter.counting = False
        out["baseline_statements"] = counter.count
    out["booking"] = (statistics.median(ours), statistics.median(base))
    out["statements"] = statistics.median(statements)
    out["jobs"] = statistics.median(jobs)
    pool_course = setup_pool()
    pool_free = [(dt.date.fromisoformat(s["date"]), dt.time.fromisoformat(s["start_time"]))
                 for g in get_available_slots(pool_course, days=60) for s in g["slots"]]
    smooth.db.commit()
    pool_members = learners(pool_course, bookings, "p")
    pool, pool_statements = [], []
    for i in range(bookings):
        day, start_time = pool_free[i // len(POOL)]  # every evaluator of the pool offers it: fill it up
        elapsed, sent, _ = book(counter, pool_course, pool_members[i], day, start_time)
        pool.append(elapsed)
        pool_statements.append(sent)
    counter.remove()
    out["pool"] = (statistics.median(pool), statistics.median(pool_statements))
    return out


def report(backend: str, requests: int, result: dict[str, Any]) -> None:
    """The two judged lines, one per scenario, each with its medians and ratio."""
    ours, base = result["availability"]
    print(f"[{backend}] availability, 60 days, {requests} requests, {result['slots']} free slots: median "
          f"{ours * 1000:.1f} ms vs baseline {base * 1000:.1f} ms -> ratio {ours / base:.2f} (aim: < 20 ms on SQLite)")
    ours, base = result["booking"]
    print(f"[{backend}] booking insert: median {ours * 1000:.2f} ms vs baseline {base * 1000:.2f} ms -> ratio "
          f"{ours / base:.2f} (aim <= 2); {result['statements']:.0f} SQL statements per booking vs "
          f"{result['baseline_statements']} (aim <= 12)")
    print(f"[{backend}] booking jobs run after the response (mails, .ics): median {result['jobs'] * 1000:.2f} ms")
    seconds, statements = result["pool"]
    print(f"[{backend}] booking through a pool of {len(POOL)} evaluators: median {seconds * 1000:.2f} ms, "
          f"{statements:.0f} SQL statements per booking (aim <= 25)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, help="certificate requests in the table (50,000; quick: 200)")
    parser.add_argument("--bookings", type=int, help="bookings measured per side (100; quick: 3)")
    parser.add_argument("--rounds", type=int, help="availability reads per side (21; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    requests = size(args.requests, full=50_000, quick=200, is_quick=args.quick)
    bookings = size(args.bookings, full=100, quick=3, is_quick=args.quick)
    rounds = size(args.rounds, full=21, quick=1, is_quick=args.quick)
    return each_backend(args.mariadb_url, lambda backend: report(
        backend, requests, run(backend, requests, bookings, rounds, args.mariadb_url)))


if __name__ == "__main__":
    sys.exit(main())

"""The learner's slot picker page: server time for a 20-evaluator pool and for one evaluator, vs the slots alone.

    .venv/bin/python benchmarks/bench_portal.py [--requests 50000] [--evaluators 20] [--rounds 21]
                                                [--mariadb-url URL] [--quick]

Data (bulk-inserted; setup is not judged): a pool of evaluators working Monday to Friday 08:00-18:00
in 15-minute slots, 60% of the next 60 days' slots booked, and historical requests up to
`--requests` in all (the data of bench_booking.py scaled to a pool); a second course evaluated by
the pool's first evaluator alone. Measured: `GET /lms/courses/<course>/certification` (the
Schedule Evaluation section: dates with free slots, the first date's slots, in Asia/Kolkata) on a
Uvicorn server of Smooth, against `smooth_lms.api.get_available_slots` alone on the same data in
this process. The ratio (page / slots alone) is what the page adds around the availability
computation: rendering, the learner's enrollment and cohort reads, HTTP. Aims: the page under 50 ms
for the pool and under 5 ms for one evaluator.
--quick (or SMOOTH_BENCH_QUICK=1): 300 requests, 3 evaluators, 1 round; every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import random
import statistics
import sys
import time
import zoneinfo
from pathlib import Path
from typing import Any

from harness import BenchSite, add_common_arguments, each_backend, serve, size, temporary_site
from sqlalchemy import insert

import smooth
from smooth_lms.api import get_available_slots

REPO = Path(__file__).resolve().parents[1]
LEARNER = "lena@bench.example"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DAYS = 60
SLOT = dt.timedelta(minutes=15)


def setup(requests: int, pool_size: int) -> tuple[str, str, str]:
    """The pool, two courses, the learner (API token returned) and the requests."""
    pool_course = smooth.get_doc({"doctype": "LMS Course", "title": "Pool Course", "published": 1,
                                  "evaluation_required": 1, "evaluation_slot_minutes": 15}).insert().name
    solo_course = smooth.get_doc({"doctype": "LMS Course", "title": "Solo Course", "published": 1,
                                  "evaluation_required": 1, "evaluation_slot_minutes": 15}).insert().name
    pool = [f"eva{i:02d}@bench.example" for i in range(pool_size)]
    for i, email in enumerate(pool):
        smooth.get_doc({"doctype": "User", "email": email, "first_name": f"Eva {i}"}).insert()
        courses = [{"course": pool_course}] + ([{"course": solo_course}] if i == 0 else [])
        schedule = [{"day": d, "start_time": "08:00", "end_time": "18:00"} for d in WEEKDAYS]
        smooth.get_doc({"doctype": "Course Evaluator", "evaluator": email, "courses": courses,
                        "schedule": schedule}).insert()
    learner = smooth.get_doc({"doctype": "User", "email": LEARNER, "first_name": "Lena", "time_zone": "Asia/Kolkata",
                              "roles": [{"role": "LMS Student"}]}).insert()
    key, secret = learner.generate_api_credentials()
    for course in (pool_course, solo_course):
        smooth.get_doc({"doctype": "LMS Enrollment", "member": LEARNER, "course": course, "progress": 100}).insert()
    _requests(pool_course, pool, requests)
    smooth.db.commit()
    return pool_course, solo_course, f"{key}:{secret}"


def _requests(course: str, pool: list[str], total: int) -> None:
    """60% of the pool's coming slots booked, then past requests up to `total`."""
    table = smooth.db.table("LMS Certificate Request")
    zone = zoneinfo.ZoneInfo(smooth.local.site.time_zone)
    rng = random.Random(11)
    now = smooth.now_datetime()
    today = smooth.today()
    rows: list[dict[str, Any]] = []

    def add(evaluator: str, start: dt.datetime, status: str) -> None:
        start_utc = start.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)
        i = len(rows) + add.count  # type: ignore[attr-defined]
        rows.append({"name": f"BENCH-{i:06d}", "owner": "Administrator", "creation": now, "modified": now,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "course": course,
                     "member": f"learner{i}@bench.example", "evaluator": evaluator, "date": start.date(),
                     "day": start.strftime("%A"), "start_time": start.time(), "end_time": (start + SLOT).time(),
                     "start_utc": start_utc, "end_utc": start_utc + SLOT, "status": status, "timezone": "UTC"})
        if len(rows) == 5000:
            smooth.db.execute(insert(table), rows, write=True)
            add.count += len(rows)  # type: ignore[attr-defined]
            rows.clear()

    add.count = 0  # type: ignore[attr-defined]
    made = 0
    for offset in range(DAYS + 1):
        day = today + dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for evaluator in pool:
            start = dt.datetime.combine(day, dt.time(8, 0))
            while start < dt.datetime.combine(day, dt.time(18, 0)):
                if rng.random() < 0.6 and made < total:
                    add(evaluator, start, "Pending")
                    made += 1
                start += SLOT
    while made < total:
        day = today - dt.timedelta(days=rng.randint(1, 730))
        add(rng.choice(pool), dt.datetime.combine(day, dt.time(8 + rng.randint(0, 9), 15 * rng.randint(0, 3))),
            rng.choice(["Completed", "Cancelled"]))
        made += 1
    if rows:
        smooth.db.execute(insert(table), rows, write=True)


def page_time(conn: http.client.HTTPConnection, path: str, token: str) -> float:
    """One GET on a kept-alive connection; the page must be the slot picker."""
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"token {token}"})
    response = conn.getresponse()
    body = response.read()
    took = time.perf_counter() - start
    if response.status != 200 or b'id="slot-form"' not in body:
        raise RuntimeError(f"GET {path}: {response.status}, no slot picker:\n{body[:2000].decode(errors='replace')}")
    return took


def slots_time(course: str) -> tuple[float, int]:
    start = time.perf_counter()
    groups = get_available_slots(course, days=DAYS, timezone="Asia/Kolkata")
    took = time.perf_counter() - start
    smooth.db.commit()
    return took, sum(len(g["slots"]) for g in groups)


def measure(site: BenchSite, requests: int, pool_size: int, rounds: int) -> dict[str, Any]:
    pool_course, solo_course, token = setup(requests, pool_size)
    process, port = serve(site)
    out: dict[str, Any] = {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for label, course in (("pool", pool_course), ("one", solo_course)):
            path = f"/lms/courses/{course}/certification?timezone=Asia/Kolkata"
            page_time(conn, path, token)  # warm-up: imports, templates, caches
            slots_time(course)
            pages, alone, count = [], [], 0
            for _ in range(rounds):
                pages.append(page_time(conn, path, token))
                took, count = slots_time(course)
                alone.append(took)
            out[label] = (statistics.median(pages), statistics.median(alone), count)
        conn.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    return out


def report(backend: str, requests: int, pool_size: int, result: dict[str, Any]) -> None:
    for label, what, aim in (("pool", f"pool of {pool_size}", 50), ("one", "one evaluator", 5)):
        page, alone, count = result[label]
        print(f"[{backend}] slot picker page, {what}, {DAYS} days, {requests} requests, {count} free slots: median "
              f"{page * 1000:.1f} ms vs get_available_slots alone {alone * 1000:.1f} ms -> ratio {page / alone:.2f} "
              f"(aim: page < {aim} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, help="certificate requests in the table (50,000; quick: 300)")
    parser.add_argument("--evaluators", type=int, help="evaluators in the pool (20; quick: 3)")
    parser.add_argument("--rounds", type=int, help="page and slot reads per scenario (21; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    requests = size(args.requests, full=50_000, quick=300, is_quick=args.quick)
    pool_size = size(args.evaluators, full=20, quick=3, is_quick=args.quick)
    rounds = size(args.rounds, full=21, quick=1, is_quick=args.quick)

    def one(backend: str) -> None:
        with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
            report(backend, requests, pool_size, measure(site, requests, pool_size, rounds))

    return each_backend(args.mariadb_url, one)


if __name__ == "__main__":
    sys.exit(main())

"""bench_scale.py's availability rows: one evaluator, a pool of 20, and the learner's slot picker page.

Data: bench_portal.py's (a pool of evaluators working Monday to Friday 08:00-18:00 in 15-minute slots, 60%
of the next 60 days booked, past requests up to 50,000 in all; a second course evaluated by the pool's
first evaluator alone). Measured on the same site: `smooth_lms.api.get_available_slots` for each course
over 60 days in Asia/Kolkata, and `GET /lms/courses/<pool course>/certification` on a Uvicorn server.
Each figure is the median of `--availability-rounds` calls after one first call, which is printed too, with
the median CPU time of this process (on SQLite nearly all the work; a loaded machine inflates it least):
the first call computes every evaluator's free time, later ones reuse it until a request of that
evaluator changes. The one-evaluator row's ratio is against `frappe_lms_schedule` below, timed in the
same rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import statistics
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench_portal import page_time, setup
from harness import ScaleResult, serve, size, temporary_site

import smooth
from smooth_lms.api import get_available_slots

REPO = Path(__file__).resolve().parents[1]
DAYS = 60
ZONE = "Asia/Kolkata"
SLOT_MINUTES = 15


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--availability-requests", type=int,
                        help="certificate requests in the table (50,000; quick: 300)")
    parser.add_argument("--availability-rounds", type=int, help="calls measured per figure (21; quick: 1)")


def frappe_lms_schedule(course: str, display_zone: str) -> list[dict[str, Any]]:
    """Frappe LMS's `get_schedule` algorithm (course_evaluator.py, after v2.9.0: the 60-day window) re-expressed
    on Smooth's API, for the ratio.

    Its data model has one schedule row per slot, so the 08:00-18:00 rows are read and cut into 15-minute
    rows first; then one candidate per date and row, the window's non-cancelled requests read by date, a
    candidate removed when a request has its date and start time (every candidate against every request),
    and the rest grouped by their date in the display zone.
    """
    evaluator = smooth.get_all("Evaluator Course", filters={"course": course, "parenttype": "Course Evaluator"},
                               pluck="parent")[0]
    first = smooth.today()
    last = first + dt.timedelta(days=DAYS)
    step = dt.timedelta(minutes=SLOT_MINUTES)
    schedule = []
    for row in smooth.get_all("Evaluator Schedule", filters={"parent": evaluator},
                              fields=["day", "start_time", "end_time"], order_by="start_time"):
        start = dt.datetime.combine(first, row["start_time"])
        while start + step <= dt.datetime.combine(first, row["end_time"]):
            schedule.append({"day": row["day"], "start_time": start.time(), "end_time": (start + step).time()})
            start += step
    leave = smooth.db.get_value("Course Evaluator", evaluator, ["unavailable_from", "unavailable_to"], as_dict=True)
    unavailable = set()
    if leave["unavailable_from"] and leave["unavailable_to"]:
        day = leave["unavailable_from"]
        while day <= leave["unavailable_to"]:
            unavailable.add(day)
            day += dt.timedelta(days=1)
    candidates = []
    day = first
    while day <= last:
        if day not in unavailable:
            weekday = day.strftime("%A")
            candidates += [{"day": weekday, "date": day, "start_time": row["start_time"], "end_time": row["end_time"]}
                           for row in schedule if row["day"] == weekday]
        day += dt.timedelta(days=1)
    booked = smooth.get_all("LMS Certificate Request", fields=["start_time", "day", "date"], filters={
        "evaluator": evaluator, "date": ["between", [first, last]], "status": ["!=", "Cancelled"]})
    taken = [slot for slot in candidates for request in booked
             if slot["date"] == request["date"] and slot["start_time"] == request["start_time"]]
    for slot in taken:
        candidates.remove(slot)
    system, display = zoneinfo.ZoneInfo(smooth.local.site.time_zone), zoneinfo.ZoneInfo(display_zone)
    groups: dict[str, dict[str, Any]] = {}
    for slot in candidates:
        start = dt.datetime.combine(slot["date"], slot["start_time"], system).astimezone(display)
        end = dt.datetime.combine(slot["date"], slot["end_time"], system).astimezone(display)
        key = f"{start:%Y-%m-%d}"
        group = groups.setdefault(key, {"display_date": key, "display_day": f"{start:%A}",
                                        "display_timezone": display_zone,
                                        "display_timezone_label": f"{start:%Z %z}", "slots": []})
        group["slots"].append({"date": f"{slot['date']:%Y-%m-%d}", "day": slot["day"],
                               "start_time": slot["start_time"], "end_time": slot["end_time"],
                               "display_start_time": f"{start:%H:%M:%S}", "display_end_time": f"{end:%H:%M:%S}",
                               "display_end_date": f"{end:%Y-%m-%d}"})
    for group in groups.values():
        group["slots"].sort(key=lambda s: s["display_start_time"])
    return [groups[key] for key in sorted(groups)]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    took, _cpu, result = timed_cpu(call)
    return took, result


def timed_cpu(call: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds of wall clock and of this process's CPU (what a loaded machine inflates least), and the answer."""
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    smooth.db.commit()  # each call its own transaction, as each request is
    return took, cpu, result


def rounds_of(call: Callable[[], Any], rounds: int) -> tuple[float, float, float, Any]:
    """(first call, median of the next `rounds`, their median CPU in this process, the last answer), in seconds."""
    first, result = timed(call)
    times, cpus = [], []
    for _ in range(rounds):
        took, cpu, result = timed_cpu(call)
        times.append(took)
        cpus.append(cpu)
    return first, statistics.median(times), statistics.median(cpus), result


def count_slots(groups: list[dict[str, Any]]) -> int:
    return sum(len(g["slots"]) for g in groups)


def run(backend: str, args: argparse.Namespace) -> Iterator[ScaleResult]:
    requests = size(args.availability_requests, full=50_000, quick=300, is_quick=args.quick)
    pool_size = 3 if args.quick else 20
    rounds = size(args.availability_rounds, full=21, quick=1, is_quick=args.quick)
    with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
        pool_course, solo_course, token = setup(requests, pool_size)
        booked = smooth.db.count("LMS Certificate Request", {"status": "Pending", "date": [">=", smooth.today()],
                                                             "evaluator": "eva00@bench.example"})

        first, ours, cpu, groups = rounds_of(lambda: get_available_slots(solo_course, days=DAYS, timezone=ZONE),
                                             rounds)
        theirs_times = []
        for _ in range(rounds):
            took, theirs = timed(lambda: frappe_lms_schedule(solo_course, ZONE))
            theirs_times.append(took)
        theirs_median = statistics.median(theirs_times)
        assert count_slots(groups) <= count_slots(theirs), "Smooth offers a slot Frappe LMS's algorithm does not"
        ratio = theirs_median / ours
        yield ScaleResult(
            f"availability, 1 evaluator, {SLOT_MINUTES}-min slots, {DAYS} days, {booked} booked, {requests} requests",
            f"median {ours * 1000:.2f} ms (CPU here {cpu * 1000:.2f} ms; first call {first * 1000:.1f} ms; "
            f"{count_slots(groups)} free slots) vs "
            f"Frappe LMS's algorithm {theirs_median * 1000:.1f} ms", "< 5 ms and >= 15x",
            ours < 0.005 and ratio >= 15, ratio)

        first, ours, cpu, groups = rounds_of(lambda: get_available_slots(pool_course, days=DAYS, timezone=ZONE),
                                             rounds)
        yield ScaleResult(f"availability, pool of {pool_size} evaluators, same data",
                          f"median {ours * 1000:.1f} ms (CPU here {cpu * 1000:.1f} ms; first call "
                          f"{first * 1000:.1f} ms; {count_slots(groups)} free slots)", "< 50 ms", ours < 0.050)

        process, port = serve(site)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            path = f"/lms/courses/{pool_course}/certification?timezone={ZONE}"
            first = page_time(conn, path, token)
            page = statistics.median(page_time(conn, path, token) for _ in range(rounds))
            conn.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
        yield ScaleResult(f"portal certification page, pool of {pool_size}",
                          f"median {page * 1000:.1f} ms (first request {first * 1000:.1f} ms)", "< 60 ms",
                          page < 0.060)

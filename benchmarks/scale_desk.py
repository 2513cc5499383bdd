"""bench_scale.py section `desk`: one evaluator's desk list over a large LMS Certificate Request table.

Issue 27's row "desk list, one evaluator, 1,000,000 requests, MariaDB: < 150 ms". Data: `--rows`
requests (1,000,000; 4,000 under --quick) bulk-loaded with SQLAlchemy core (executemany in batches)
over 200 evaluators and 5,000 learners across two years. Measured on a Uvicorn server of Smooth as
the evaluator (API token), medians of --desk-rounds requests after a warm-up, as bench_desk.py does:

- the page: `GET /app/lms-certificate-request?evaluator=<them>` (its rows, columns, filters, paging);
- its counts: `GET .../view/counts` with the same state (the total and the three group-by sidebars),
  the request the page makes as soon as it is shown; once uncached (each round a filter set of its
  own) and once as a repeat within the cache's life.

Judged: the page and its uncached counts each under 150 ms. The load time and, on MariaDB, the
InnoDB buffer pool size are printed with the row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import random
import statistics
import time
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import ScaleResult, buffer_pool, serve, temporary_site, timed_get
from sqlalchemy import insert

import smooth

REPO = Path(__file__).resolve().parents[1]
DOCTYPE = "LMS Certificate Request"
SLUG = "lms-certificate-request"
SLOT = dt.timedelta(minutes=30)
BATCH = 10_000
EVALUATORS = 200
LEARNERS = 5_000
GOAL_MS = 150.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--desk-rounds", type=int, default=None, help="requests per measured path (15; quick: 2)")


def request_rows(count: int, course: str, pool: list[str], today: dt.date, zone: zoneinfo.ZoneInfo,
                 now: dt.datetime) -> Iterator[dict[str, Any]]:
    """`count` requests over the last 700 days and the next 30; the slot values are worked out once per
    possible slot (14,620 of them), so a million rows take seconds to make, not minutes."""
    slots = []
    for offset in range(-700, 31):
        day = today + dt.timedelta(days=offset)
        for minute in range(8 * 60, 18 * 60, 30):
            start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
            start_utc = start.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)
            slots.append({"date": day, "day": start.strftime("%A"), "start_time": start.time(),
                          "end_time": (start + SLOT).time(), "start_utc": start_utc, "end_utc": start_utc + SLOT,
                          "status": "Pending" if day >= today else None})
    fixed = {"owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
             "docstatus": 0, "idx": 0, "course": course, "course_title": "Scale Course", "timezone": "UTC",
             "sequence": 0, "meet_status": "Not Configured"}
    past = ("Completed", "Completed", "Cancelled")
    rng = random.Random(27)
    for i in range(count):
        slot = slots[int(rng.random() * len(slots))]
        learner, evaluator = i % LEARNERS, i % EVALUATORS
        yield {**fixed, **slot, "name": f"SCALE-{i:07d}", "status": slot["status"] or past[i % 3],
               "member": f"learner{learner}@scale.example", "member_name": f"Learner {learner}",
               "evaluator": pool[evaluator], "evaluator_name": f"Eva {evaluator}"}


def load(rows: int) -> tuple[str, str, float]:
    """The evaluators (the first one's API token returned), then `rows` requests; the load's seconds."""
    course = smooth.get_doc({"doctype": "LMS Course", "title": "Scale Course", "published": 1,
                             "evaluation_required": 1, "evaluation_slot_minutes": 30}).insert().name
    pool = [f"eva{i:03d}@scale.example" for i in range(EVALUATORS)]
    key = secret = ""
    for i, email in enumerate(pool[:3]):  # the others are names in the rows only: the list reads no User of theirs
        user = smooth.get_doc({"doctype": "User", "email": email, "first_name": f"Eva {i}",
                               "roles": [{"role": "Batch Evaluator"}]}).insert()
        if i == 0:
            key, secret = user.generate_api_credentials()
    smooth.db.commit()
    table = smooth.db.table(DOCTYPE)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for row in request_rows(rows, course, pool, smooth.today(), zoneinfo.ZoneInfo(smooth.local.site.time_zone),
                            smooth.now_datetime()):
        batch.append(row)
        if len(batch) == BATCH:
            smooth.db.execute(insert(table), batch, write=True)
            smooth.db.commit()
            batch = []
    if batch:
        smooth.db.execute(insert(table), batch, write=True)
    smooth.db.commit()
    if smooth.db.db_type == "mariadb":
        smooth.db.sql(f"ANALYZE TABLE `{table.name}`")
        smooth.db.commit()
    return pool[0], f"{key}:{secret}", time.perf_counter() - started




def run(backend: str, args: argparse.Namespace) -> Iterable[ScaleResult]:
    rows = args.rows if args.rows is not None else (4_000 if args.quick else 1_000_000)
    rounds = args.desk_rounds if args.desk_rounds is not None else (2 if args.quick else 15)
    with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
        evaluator, token, loaded = load(rows)
        pool_size = buffer_pool(backend)
        process, port = serve(site)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            page = f"/app/{SLUG}?" + urlencode({"evaluator": evaluator})
            counts = f"/app/{SLUG}/view/counts?" + urlencode({"evaluator": evaluator})

            def fresh_counts(i: int) -> str:  # a filter set of its own that leaves every row in: nothing cached
                return counts + "&" + urlencode({"member_name": f'["!=","nobody {i}"]'})

            for path, mark in ((page, b"<table"), (counts, b'class="count"'), (fresh_counts(999_999), b"count")):
                timed_get(conn, path, token, mark)  # warm-up: imports, templates, the server's caches
            pages = [timed_get(conn, page, token, b"<table") for _ in range(rounds)]
            uncached = [timed_get(conn, fresh_counts(i), token, b'class="count"') for i in range(rounds)]
            cached = [timed_get(conn, counts, token, b'class="count"') for _ in range(rounds)]
            conn.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
    page_ms, counts_ms, cached_ms = (statistics.median(x) * 1000 for x in (pages, uncached, cached))
    yield ScaleResult(
        row=f"desk list, one evaluator, {rows:,} requests",
        figure=f"page {page_ms:.1f} ms, its counts {counts_ms:.1f} ms ({cached_ms:.1f} ms cached); "
               f"loaded in {loaded:.0f} s{pool_size}",
        goal=f"page and counts each < {GOAL_MS:.0f} ms",
        within_goal=page_ms < GOAL_MS and counts_ms < GOAL_MS)

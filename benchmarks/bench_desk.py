"""The desk: an evaluator's filtered list view and a request's form view, vs the REST API for the same rows.

    .venv/bin/python benchmarks/bench_desk.py [--requests N] [--evaluators 200] [--rounds 21]
                                              [--mariadb-url URL] [--quick]

Data (bulk-inserted; setup is not judged): N LMS Certificate Requests (1,000,000 on MariaDB,
100,000 on SQLite by default) spread over a pool of evaluators and two years. Measured on a
Uvicorn server of Smooth, as the evaluator (API token), on kept-alive connections, medians of
--rounds requests after a warm-up, the page's and the API's taken in turn (the machine's noisy spells fall on
both sides of the ratio):

- list: `GET /app/lms-certificate-request?evaluator=<them>` (the page as it is first shown: columns,
  standard filters, the rows, paging) vs `GET /api/resource/LMS Certificate Request` with the same
  filter, columns, order (the list's default: start time, then name) and page size;
- form: `GET /app/lms-certificate-request/<name>` (layout, widgets, actions, sidebar) vs
  `GET /api/resource/LMS Certificate Request/<name>`.

As in Frappe, what a page shows after it is drawn follows in a second request: the list's total
and group-by sidebar counts (`.../view/counts`), the form's timeline and attachments
(`.../<name>/activity`). Their medians are printed too, so the whole cost stays in sight.

Printed: medians in ms and the ratios page / API. Aims: list under 150 ms, form under 50 ms,
ratios under 1.5. --quick (or SMOOTH_BENCH_QUICK=1): 600 requests, 3 evaluators, 1 round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import statistics
import sys
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from harness import BenchSite, add_common_arguments, each_backend, serve, size, temporary_site, timed_get
from sqlalchemy import insert

import smooth

REPO = Path(__file__).resolve().parents[1]
DOCTYPE = "LMS Certificate Request"
SLUG = "lms-certificate-request"
SLOT = dt.timedelta(minutes=30)
BATCH = 5000
LIST_ORDER = "start_utc asc, name asc"  # the list's default order (its list settings), with the name as tie-break


def setup(requests: int, evaluators: int) -> tuple[str, str, str]:
    """The course, the evaluators (the first one's API token returned), and `requests` requests."""
    course = smooth.get_doc({"doctype": "LMS Course", "title": "Desk Course", "published": 1,
                             "evaluation_required": 1, "evaluation_slot_minutes": 30}).insert().name
    pool = [f"eva{i:03d}@bench.example" for i in range(evaluators)]
    for i, email in enumerate(pool):
        user = smooth.get_doc({"doctype": "User", "email": email, "first_name": f"Eva {i}",
                               "roles": [{"role": "Batch Evaluator"}]}).insert()
        if i == 0:
            key, secret = user.generate_api_credentials()
    table = smooth.db.table(DOCTYPE)
    zone = zoneinfo.ZoneInfo(smooth.local.site.time_zone)
    rng = random.Random(5)
    now, today = smooth.now_datetime(), smooth.today()
    rows: list[dict[str, Any]] = []
    for i in range(requests):
        start = dt.datetime.combine(today + dt.timedelta(days=rng.randint(-700, 30)),
                                    dt.time(8 + rng.randint(0, 9), 30 * rng.randint(0, 1)))
        start_utc = start.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)
        status = "Pending" if start.date() >= today else rng.choice(["Completed", "Completed", "Cancelled"])
        rows.append({"name": f"DESK-{i:07d}", "owner": "Administrator", "creation": now, "modified": now,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "course": course,
                     "course_title": "Desk Course", "member": f"learner{i % 5000}@bench.example",
                     "member_name": f"Learner {i % 5000}", "evaluator": pool[i % evaluators],
                     "evaluator_name": f"Eva {i % evaluators}", "date": start.date(), "day": start.strftime("%A"),
                     "start_time": start.time(), "end_time": (start + SLOT).time(), "start_utc": start_utc,
                     "end_utc": start_utc + SLOT, "status": status, "timezone": "UTC", "sequence": 0,
                     "meet_status": "Not Configured"})
        if len(rows) == BATCH:
            smooth.db.execute(insert(table), rows, write=True)
            rows.clear()
    if rows:
        smooth.db.execute(insert(table), rows, write=True)
    smooth.db.commit()
    sample = smooth.db.get_value(DOCTYPE, {"evaluator": pool[0]}, "name", order_by="date desc")
    return pool[0], str(sample), f"{key}:{secret}"



def follow_ups(evaluator: str, sample: str) -> dict[str, tuple[str, bytes]]:
    """What each page loads once it is shown (path, a mark of its body)."""
    return {"list": (f"/app/{SLUG}/view/counts?" + urlencode({"evaluator": evaluator}), b'class="count"'),
            "form": (f"/app/{SLUG}/{quote(sample)}/activity", b"timeline-list")}


def paths(evaluator: str, sample: str) -> dict[str, tuple[str, str, bytes, bytes]]:
    fields = ["name", "course", "member_name", "date", "start_time", "status", "evaluator"]
    api_list = f"/api/resource/{quote(DOCTYPE)}?" + urlencode({
        "filters": json.dumps([["evaluator", "=", evaluator]]), "fields": json.dumps(fields),
        "order_by": LIST_ORDER, "limit_page_length": 20})
    return {
        "list": (f"/app/{SLUG}?" + urlencode({"evaluator": evaluator}), api_list, b"<table", b'"data"'),
        "form": (f"/app/{SLUG}/{quote(sample)}", f"/api/resource/{quote(DOCTYPE)}/{quote(sample)}",
                 sample.encode(), sample.encode()),
    }


def measure(site: BenchSite, requests: int, evaluators: int,
            rounds: int) -> dict[str, tuple[float, float, float]]:
    evaluator, sample, token = setup(requests, evaluators)
    process, port = serve(site)
    out: dict[str, tuple[float, float, float]] = {}
    later = follow_ups(evaluator, sample)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for label, (page, api, page_mark, api_mark) in paths(evaluator, sample).items():
            follow, follow_mark = later[label]
            timed_get(conn, page, token, page_mark)  # warm-up: imports, templates, caches
            timed_get(conn, api, token, api_mark)
            timed_get(conn, follow, token, follow_mark)
            pages, apis, follows = [], [], []
            for _ in range(rounds):  # interleaved: a noisy spell of the machine falls on both sides of the ratio
                pages.append(timed_get(conn, page, token, page_mark))
                apis.append(timed_get(conn, api, token, api_mark))
                follows.append(timed_get(conn, follow, token, follow_mark))
            out[label] = (statistics.median(pages), statistics.median(apis), statistics.median(follows))
        conn.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    return out


def report(backend: str, requests: int, result: dict[str, tuple[float, float, float]]) -> None:
    for label, what, aim, after in (("list", "list view, one evaluator", 150, "its counts"),
                                    ("form", "form view", 50, "its timeline and attachments")):
        page, api, follow = result[label]
        print(f"[{backend}] {what}, {requests} requests: median {page * 1000:.1f} ms vs REST API "
              f"{api * 1000:.1f} ms -> ratio {page / api:.2f} (aim: page < {aim} ms, ratio < 1.5); "
              f"{after} follow in {follow * 1000:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, help="requests in the table (MariaDB 1,000,000, SQLite 100,000; "
                                                     "quick: 600)")
    parser.add_argument("--evaluators", type=int, help="evaluators the requests are spread over (200; quick: 3)")
    parser.add_argument("--rounds", type=int, help="requests per measured path (21; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    evaluators = size(args.evaluators, full=200, quick=3, is_quick=args.quick)
    rounds = size(args.rounds, full=21, quick=1, is_quick=args.quick)

    def run(backend: str) -> None:
        full = 1_000_000 if backend == "mariadb" else 100_000
        requests = size(args.requests, full=full, quick=600, is_quick=args.quick)
        with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
            report(backend, requests, measure(site, requests, evaluators, rounds))

    return each_backend(args.mariadb_url, run)


if __name__ == "__main__":
    sys.exit(main())

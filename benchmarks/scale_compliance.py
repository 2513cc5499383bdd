"""bench_scale.py's compliance row: the daily compliance job over `--rows` Employee Compliance rows (issue 27, item 3).

The table is compliance_data.py's (bench_compliance.py's too), as yesterday's run left it. It is
built in two steps so one site shows both halves of the goal: a tenth of it as of the day before
yesterday, whose job for yesterday runs under tracemalloc (the small table's peak memory, and the
table as yesterday's run leaves it), then the rest as of yesterday. The job for today then runs as
the scheduler runs it (one unit of work) and is timed on its own; the job for tomorrow runs under
tracemalloc (which slows what it traces) for the full table's peak. On MariaDB the line names the
InnoDB buffer pool the server had: a table larger than the pool reads from disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from compliance_data import as_job, fill, make_types, timed
from harness import ScaleResult, buffer_pool, size, temporary_site

import smooth
from smooth_hr.compliance_job import run_daily_compliance

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 10.0



def peak_of_job(day: dt.date) -> tuple[int, dict[str, Any]]:
    tracemalloc.start()
    try:
        result = as_job(run_daily_compliance, day)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def run(backend: str, args: argparse.Namespace) -> Iterator[ScaleResult]:
    n = size(args.rows, full=1_000_000, quick=4_000, is_quick=args.quick)
    small = max(n // 10 // 8 * 8, 400)
    with temporary_site(backend, [str(REPO)], args.mariadb_url):
        today = smooth.today()
        yesterday = today - dt.timedelta(days=1)
        kinds = make_types()
        first, logged = fill(small, kinds, yesterday - dt.timedelta(days=1))
        small_peak, _ = peak_of_job(yesterday)
        rest, more = fill(n, kinds, yesterday, first=small)
        print(f"[{backend}] compliance: {n} rows ({n // len(kinds)} employees, {logged + more} reminder log rows) "
              f"inserted in {first + rest:.1f} s", flush=True)
        took, result = timed(lambda: as_job(run_daily_compliance, today))
        peak, _ = peak_of_job(today + dt.timedelta(days=1))
        pool = buffer_pool(backend)
    flat = peak < max(small_peak * 1.5, small_peak + 2_000_000)
    moved = sum(result["statuses"].values())
    yield ScaleResult(
        row=f"compliance daily job, {n} Employee Compliance rows",
        figure=f"{took:.2f} s ({moved} rows moved, {result['reminders']['sent']} reminders queued); peak Python "
               f"memory {peak / 1e6:.1f} MB vs {small_peak / 1e6:.1f} MB at {small} rows{pool}",
        goal=f"< {GOAL_SECONDS:.0f} s, flat memory", within_goal=took < GOAL_SECONDS and flat)

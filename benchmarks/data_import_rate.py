"""Data import at scale: N Employee Compliance rows through `bench data-import` (issue 21's goal: 100,000 in
under 2 minutes on MariaDB). Not part of bench_scale.py's quick run in CI (site creation alone would crowd its
time limit); run it by hand.

The site gets N/8 employees and 8 Compliance Types bulk-inserted; the file is a CSV of N rows (employee,
compliance type, status, completion date). The command runs in this process as a person would run it, each row
inserted through the full document lifecycle. The figure is the wall time and rows/s, and the rows per CPU second
of this process: on a shared, loaded machine the wall time mostly measures the queue for a core and a database.

    .venv/bin/python benchmarks/data_import_rate.py [--import-rows 100000] [--mariadb-url URL] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path

from compliance_data import make_types
from harness import ScaleResult, add_common_arguments, each_backend, size, temporary_site
from sqlalchemy import insert

import smooth
from smooth.cli import main as bench

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS, GOAL_ROWS = 120.0, 100_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--import-rows", type=int, default=None,
                        help=f"rows in the data import's file (default {GOAL_ROWS:,}; 100 under --quick)")


def employees(count: int) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    standard = {"owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
                "docstatus": 0, "idx": 0}
    rows = [{**standard, "name": f"HR-EMP-{i + 1:07d}", "first_name": f"Person {i + 1}",
             "employee_name": f"Person {i + 1}", "status": "Active", "date_of_joining": dt.date(2020, 1, 1)}
            for i in range(count)]
    smooth.db.execute(insert(smooth.db.table("Employee")), rows, write=True)
    smooth.db.commit()


def import_file(path: Path, n: int, kinds: list[str]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Employee", "Compliance Type", "Status", "Completion Date"])
        for i in range(n):
            person, kind = divmod(i, len(kinds))
            done = i % 20 != 0
            writer.writerow([f"HR-EMP-{person + 1:07d}", kinds[kind], "Complete" if done else "Pending",
                             (dt.date(2026, 1, 1) - dt.timedelta(days=i % 300)).isoformat() if done else ""])


def run(backend: str, args: argparse.Namespace) -> Iterator[ScaleResult]:
    n = size(args.import_rows, full=GOAL_ROWS, quick=100, is_quick=args.quick)
    with temporary_site(backend, [str(REPO)], args.mariadb_url) as site:
        kinds = list(make_types())
        employees(-(-n // len(kinds)))
        path = site.sites_path / "compliance.csv"
        import_file(path, n, kinds)
        output = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            bench(["--sites-path", str(site.sites_path), "--site", site.name, "data-import",
                   "--doctype", "Employee Compliance", "--file", str(path)])
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        imported = smooth.db.count("Employee Compliance")
    summary = output.getvalue().strip().splitlines()[-1] if output.getvalue().strip() else ""
    pace = took * GOAL_ROWS / n
    yield ScaleResult(
        row=f"data import, {n} Employee Compliance rows",
        figure=f"{took:.1f} s, {n / took:.0f} rows/s ({summary.split(': ', 1)[-1]}); "
               f"{n / cpu:.0f} rows per CPU second",
        goal=f"{GOAL_ROWS:,} rows < {GOAL_SECONDS:.0f} s", within_goal=imported == n and pace < GOAL_SECONDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    add_arguments(parser)
    args = parser.parse_args()

    def measure(backend: str) -> None:
        for result in run(backend, args):
            print(result.line(backend), flush=True)

    return each_backend(args.mariadb_url, measure)


if __name__ == "__main__":
    raise SystemExit(main())

"""The daily compliance job over a large Employee Compliance table: time, peak memory, and the status pass vs SQL.

    .venv/bin/python benchmarks/bench_compliance.py [--rows 1000000] [--rounds 3] [--mariadb-url URL] [--quick]
    (or SMOOTH_BENCH_COMPLIANCE_ROWS=200000 to shrink it)

A site with Smooth LMS + HR gets the table compliance_data.py builds (8 Compliance Types, N rows
bulk-inserted as yesterday's run would have left them, with the HR Notification Log of its
reminders). Then:

- the whole daily job for today, `run_daily_compliance(day)`: statuses, retraining (none: no
  course) and the staged reminders, which read only the rows due (their stored next action
  date): its time, the rows it moved and the reminders it queued (no SMTP
  server: queued only), and its peak Python memory (tracemalloc, during that run only), which
  stays flat however many rows the table holds; then the same day again, where every reminder is
  already claimed: the cost of the scan alone;
- then the status pass, `update_statuses(day)` (set-based UPDATEs through `smooth.db.set_value`),
  against the same UPDATEs hand-written in SQLAlchemy core, alternating days (each day moves a
  similar number of rows) for R rounds: medians and their ratio (aim < 1.5); the process's peak
  RSS last.

--quick (or SMOOTH_BENCH_QUICK=1): 4,000 rows, 1 round: every path, no meaningful numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tracemalloc
from pathlib import Path

from compliance_data import as_job, fill, make_types, timed
from harness import add_common_arguments, each_backend, size, temporary_site
from sqlalchemy import update

import smooth
from smooth_hr.compliance_job import lead_days, run_daily_compliance, update_statuses
from smooth_hr.compliance_status import COMPLETE, EXPIRED, EXPIRING

REPO = Path(__file__).resolve().parents[1]
ROWS_ENV = "SMOOTH_BENCH_COMPLIANCE_ROWS"


def baseline_statuses(day: dt.date, kinds: dict[str, str]) -> int:
    """The same transitions as update_statuses, written by hand: one UPDATE per transition and lead group."""
    table = smooth.db.table("Employee Compliance")
    now = dt.datetime.now()
    moved = smooth.db.execute(update(table).where(
        table.c.status.in_([COMPLETE, EXPIRING]), table.c.renewal_date.is_not(None), table.c.renewal_date < day)
        .values(status=EXPIRED, modified=now), write=True).rowcount
    smooth.db.commit()
    groups: dict[int, list[str]] = {}
    for name, schedule in kinds.items():
        groups.setdefault(lead_days(schedule), []).append(name)
    for lead, names in sorted(groups.items()):
        horizon = day + dt.timedelta(days=lead)
        if lead:
            moved += smooth.db.execute(update(table).where(
                table.c.compliance_type.in_(names), table.c.status.in_([COMPLETE, EXPIRED]),
                table.c.renewal_date.between(day, horizon)).values(status=EXPIRING, modified=now), write=True).rowcount
            smooth.db.commit()
        later = table.c.renewal_date > horizon if lead else table.c.renewal_date >= horizon
        moved += smooth.db.execute(update(table).where(
            table.c.compliance_type.in_(names), table.c.status.in_([EXPIRING, EXPIRED]), later)
            .values(status=COMPLETE, modified=now), write=True).rowcount
        smooth.db.commit()
    return int(moved)


def run(backend: str, n: int, rounds: int, mariadb_url: str | None) -> None:
    with temporary_site(backend, [str(REPO)], mariadb_url):
        today = smooth.today()
        kinds = make_types()
        seconds, logged = fill(n, kinds, today - dt.timedelta(days=1))
        print(f"[{backend}] setup: {n} rows ({n // len(kinds)} employees, {logged} reminder log rows) inserted "
              f"in {seconds:.1f} s", flush=True)
        tracemalloc.start()
        took, result = timed(lambda: as_job(run_daily_compliance, today))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"[{backend}] full daily job on {n} rows: {took:.2f} s (under tracemalloc), peak Python memory "
              f"{peak / 1e6:.1f} MB; moved {sum(result['statuses'].values())} rows, "
              f"{result['reminders']['sent']} reminders queued", flush=True)
        took, again = timed(lambda: as_job(run_daily_compliance, today))
        print(f"[{backend}] the same day again (every reminder already claimed: the scan alone): {took:.2f} s, "
              f"{again['reminders']['sent']} reminders queued", flush=True)
        ours: list[float] = []
        hand: list[float] = []
        moved: list[int] = []
        for index in range(rounds):
            took, counts = timed(lambda day=today + dt.timedelta(days=2 * index + 1): as_job(update_statuses, day))
            ours.append(took)
            moved.append(sum(counts.values()))
            took, count = timed(lambda day=today + dt.timedelta(days=2 * index + 2): baseline_statuses(day, kinds))
            hand.append(took)
            moved.append(count)
        ratio = statistics.median(ours) / statistics.median(hand)
        print(f"[{backend}] {n} rows, medians: status pass {statistics.median(ours) * 1000:.0f} ms vs hand-written "
              f"UPDATEs {statistics.median(hand) * 1000:.0f} ms -> ratio {ratio:.2f} (aim < 1.5); "
              f"rows moved per day {statistics.median(moved):.0f}", flush=True)
    print(f"[{backend}] process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=int(os.environ[ROWS_ENV]) if os.environ.get(ROWS_ENV) else None,
                        help=f"Employee Compliance rows (1,000,000; quick: 4,000; also ${ROWS_ENV})")
    parser.add_argument("--rounds", type=int, help="days timed per side, the median is reported (3; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    n = size(args.rows, full=1_000_000, quick=4_000, is_quick=args.quick)
    rounds = size(args.rounds, full=3, quick=1, is_quick=args.quick)
    return each_backend(args.mariadb_url, lambda backend: run(backend, n, rounds, args.mariadb_url))


if __name__ == "__main__":
    sys.exit(main())

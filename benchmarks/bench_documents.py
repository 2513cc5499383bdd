"""Document API overhead: insert + get_all of N documents vs the same rows through SQLAlchemy Core.

    .venv/bin/python benchmarks/bench_documents.py [--rows 10000] [--rounds 5] [--mariadb-url URL] [--quick]

Both paths run in the same process against the same table, one transaction per round. The
baseline does what a careful hand-written data layer would: build the row (name, owner,
timestamps, values) and INSERT it, then SELECT every column back as dicts. The judged
numbers are the median ratios (document API / baseline); medians in ms are printed too.
MariaDB runs when --mariadb-url (a server URL without a database) or $SMOOTH_TEST_MARIADB_URL
is given. --quick (or SMOOTH_BENCH_QUICK=1) runs 200 rows, 1 round: every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

from harness import add_common_arguments, each_backend, size, temporary_site
from sqlalchemy import delete, insert, select

import smooth

APP = Path(__file__).parent / "apps" / "bench_app"
NAME_ALPHABET = string.digits + string.ascii_lowercase


def random_name(length: int = 10) -> str:
    """A hash name drawn the way Smooth draws one, written out by hand: one draw from the OS, written in base 36.
    (A draw per character costs about 6x more and once flattered the ratio by a sixth of the baseline's time.)"""
    number = secrets.randbelow(len(NAME_ALPHABET) ** length)
    characters = []
    for _ in range(length):
        number, digit = divmod(number, len(NAME_ALPHABET))
        characters.append(NAME_ALPHABET[digit])
    return "".join(characters)


def rows(n: int) -> list[dict[str, object]]:
    """Values of every field type the doctype has, built once so neither side pays for making them."""
    day = dt.date(2026, 1, 1)
    return [{"title": f"Item {i}", "qty": i % 97, "rate": i * 0.25, "status": "Open" if i % 2 else "Closed",
             "note": "a short note", "due": day + dt.timedelta(days=i % 365)} for i in range(n)]


def timed(fn: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(backend: str, n: int, rounds: int, mariadb_url: str | None) -> dict[str, float]:
    """Measure on a fresh site of `backend`, dropped afterwards."""
    with temporary_site(backend, [str(APP)], mariadb_url):
        return measure(n, rounds)


def measure(n: int, rounds: int) -> dict[str, float]:
    """Median seconds of each side; both write the same table, emptied before each insert."""
    data = rows(n)
    results: dict[str, list[float]] = {"insert_doc": [], "insert_core": [], "get_all_doc": [], "get_all_core": []}
    database = smooth.db
    table = database.table("Bench Item")

    def clear() -> None:
        database.execute(delete(table), write=True)
        database.commit()

    def insert_documents() -> None:
        for values in data:
            smooth.get_doc({"doctype": "Bench Item", **values}).insert()
        database.commit()

    def insert_core() -> None:
        conn = database.connection()
        statement = insert(table)
        for values in data:
            now = dt.datetime.now()
            conn.execute(statement, {"name": random_name(), "owner": "Administrator", "creation": now,
                                     "modified": now, "modified_by": "Administrator", "docstatus": 0,
                                     "idx": 0, **values})
        database.commit()

    def get_all_documents() -> None:
        got = smooth.get_all("Bench Item", fields=["*"], limit_page_length=0, order_by="")
        assert len(got) == n

    def get_all_core() -> None:
        result = database.connection().execute(select(table))
        keys = list(result.keys())
        got = [dict(zip(keys, row, strict=True)) for row in result]
        assert len(got) == n

    for _ in range(rounds):
        clear()
        results["insert_core"].append(timed(insert_core))
        clear()
        results["insert_doc"].append(timed(insert_documents))
        results["get_all_core"].append(timed(get_all_core))
        results["get_all_doc"].append(timed(get_all_documents))
        database.commit()
    return {key: statistics.median(values) for key, values in results.items()}


def report(backend: str, n: int, medians: dict[str, float]) -> None:
    """The judged line: both ratios with their medians, so a change shows which side moved."""
    insert_ratio = medians["insert_doc"] / medians["insert_core"]
    get_ratio = medians["get_all_doc"] / medians["get_all_core"]
    print(f"[{backend}] {n} rows, medians: insert doc {medians['insert_doc'] * 1000:.0f} ms vs core "
          f"{medians['insert_core'] * 1000:.0f} ms -> ratio {insert_ratio:.2f} (aim <= 1.5); get_all doc "
          f"{medians['get_all_doc'] * 1000:.1f} ms vs core {medians['get_all_core'] * 1000:.1f} ms -> ratio "
          f"{get_ratio:.2f} (aim < 3)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, help="documents per round (10,000; quick: 200)")
    parser.add_argument("--rounds", type=int, help="rounds, the median is reported (5; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    n = size(args.rows, full=10_000, quick=200, is_quick=args.quick)
    rounds = size(args.rounds, full=5, quick=1, is_quick=args.quick)
    return each_backend(args.mariadb_url, lambda backend: report(backend, n, run(backend, n, rounds, args.mariadb_url)))


if __name__ == "__main__":
    sys.exit(main())

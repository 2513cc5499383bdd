"""Workflow overhead: `smooth.apply_workflow(doc, "Close")` vs a plain `save()` of the same status change.

    .venv/bin/python benchmarks/bench_workflow.py [--docs 500] [--rounds 5] [--mariadb-url URL] [--quick]

Bench Item gets a workflow on `status` (Open -> Closed by the action Close, allowed to System
Manager, with a condition). Each round inserts N Open items, then times N `apply_workflow` calls
(row lock and stale check, transition lookup, condition, save, Workflow Action refresh); the
baseline times N loads + `status = "Closed"` + `save()` with the workflow inactive. Each side
commits once per round. Printed: medians in ms and the ratio (aim < 1.5). --quick (or
SMOOTH_BENCH_QUICK=1): 50 documents, 1 round: every path, no meaningful ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from harness import add_common_arguments, each_backend, size, temporary_site
from sqlalchemy import delete

import smooth

APP = Path(__file__).parent / "apps" / "bench_app"


def setup_workflow() -> None:
    for state in ("Open", "Closed"):
        smooth.get_doc({"doctype": "Workflow State", "workflow_state_name": state}).insert()
    smooth.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": "Close"}).insert()
    smooth.get_doc({
        "doctype": "Workflow", "workflow_name": "Bench", "document_type": "Bench Item", "is_active": 1,
        "workflow_state_field": "status",
        "states": [{"state": "Open", "allow_edit": "System Manager"},
                   {"state": "Closed", "allow_edit": "System Manager"}],
        "transitions": [{"state": "Open", "action": "Close", "next_state": "Closed", "allowed": "System Manager",
                         "allow_self_approval": 1, "condition": "doc.qty >= 0"}],
    }).insert()
    smooth.db.commit()


def set_active(active: int) -> None:
    workflow = smooth.get_doc("Workflow", "Bench")
    workflow.is_active = active
    workflow.save()
    smooth.db.commit()


def fresh_items(n: int) -> list[str]:
    smooth.db.execute(delete(smooth.db.table("Bench Item")), write=True)
    names = [smooth.get_doc({"doctype": "Bench Item", "title": f"Item {i}", "qty": i, "status": "Open"}).insert().name
             for i in range(n)]
    smooth.db.commit()
    return names


def measure(n: int, rounds: int) -> dict[str, float]:
    setup_workflow()
    results: dict[str, list[float]] = {"apply": [], "save": []}
    for _ in range(rounds):
        set_active(1)
        names = fresh_items(n)
        start = time.perf_counter()
        for name in names:
            smooth.apply_workflow(smooth.get_doc("Bench Item", name), "Close")
        smooth.db.commit()
        results["apply"].append(time.perf_counter() - start)
        set_active(0)
        names = fresh_items(n)
        start = time.perf_counter()
        for name in names:
            doc = smooth.get_doc("Bench Item", name)
            doc.status = "Closed"
            doc.save()
        smooth.db.commit()
        results["save"].append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in results.items()}


def run(backend: str, n: int, rounds: int, mariadb_url: str | None) -> None:
    with temporary_site(backend, [str(APP)], mariadb_url):
        medians = measure(n, rounds)
    ratio = medians["apply"] / medians["save"]
    print(f"[{backend}] {n} documents, medians: apply_workflow {medians['apply'] * 1000:.0f} ms vs save "
          f"{medians['save'] * 1000:.0f} ms -> ratio {ratio:.2f} (aim < 1.5)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, help="documents per round (500; quick: 50)")
    parser.add_argument("--rounds", type=int, help="rounds, the median is reported (5; quick: 1)")
    add_common_arguments(parser)
    args = parser.parse_args()
    n = size(args.docs, full=500, quick=50, is_quick=args.quick)
    rounds = size(args.rounds, full=5, quick=1, is_quick=args.quick)
    return each_backend(args.mariadb_url, lambda backend: run(backend, n, rounds, args.mariadb_url))


if __name__ == "__main__":
    sys.exit(main())

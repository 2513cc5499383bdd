"""Data Import of Employee Compliance rows (issue 21's goal: 100,000 in under 2 minutes on MariaDB).

The site gets N/8 employees and 8 Compliance Types bulk-inserted; the import file is a CSV of N
rows (employee, compliance type, status, completion date). The import runs as the job does, each
row inserted through the full document lifecycle in a savepoint, and prints the time and rows/s, and the
rows per CPU second of this process (on a shared, loaded machine the wall time mostly measures the queue
for a core).

    .venv/bin/python benchmarks/bench_data_import.py --backend mariadb --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import time
from pathlib import Path

from compliance_data import make_types
from harness import add_common_arguments, size, temporary_site
from sqlalchemy import insert

import smooth
from smooth.core.doctype.data_import.importing import run_import

REPO = Path(__file__).resolve().parents[1]


def employees(count: int) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    standard = {"owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
                "docstatus": 0, "idx": 0}
    rows = [{**standard, "name": f"HR-EMP-{i + 1:07d}", "first_name": f"Person {i + 1}",
             "employee_name": f"Person {i + 1}", "status": "Active", "date_of_joining": dt.date(2020, 1, 1)}
            for i in range(count)]
    smooth.db.execute(insert(smooth.db.table("Employee")), rows, write=True)
    smooth.db.commit()


def import_file(n: int, kinds: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Employee", "Compliance Type", "Status", "Completion Date"])
    for i in range(n):
        person, kind = divmod(i, len(kinds))
        done = i % 20 != 0
        writer.writerow([f"HR-EMP-{person + 1:07d}", kinds[kind], "Complete" if done else "Pending",
                         (dt.date(2026, 1, 1) - dt.timedelta(days=i % 300)).isoformat() if done else ""])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "mariadb"), default="mariadb")
    parser.add_argument("--rows", type=int)
    add_common_arguments(parser)
    args = parser.parse_args()
    n = size(args.rows, full=100_000, quick=2_000, is_quick=args.quick)
    with temporary_site(args.backend, [str(REPO)], args.mariadb_url):
        kinds = list(make_types())
        employees(-(-n // len(kinds)))
        file = smooth.get_doc({"doctype": "File", "file_name": "compliance.csv", "is_private": 1})
        file.content = import_file(n, kinds)
        file.insert()
        name = smooth.get_doc({"doctype": "Data Import", "reference_doctype": "Employee Compliance",
                               "import_file": file.file_url}).insert().name
        smooth.db.commit()
        start, cpu = time.perf_counter(), time.process_time()
        run_import(name)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        result = smooth.db.get_value("Data Import", name, ["status", "imported_rows", "failed_rows"], as_dict=True)
    print(f"[{args.backend}] Data Import of {n} Employee Compliance rows: {took:.1f} s, {n / took:.0f} rows/s "
          f"({result['status']}: {result['imported_rows']} imported, {result['failed_rows']} failed); "
          f"this process's CPU {cpu:.1f} s, {n / cpu:.0f} rows per CPU second (the machine's load aside)")


if __name__ == "__main__":
    main()

"""A large Employee Compliance table as a daily run yesterday would have left it: shared by bench_compliance.py
and scale_compliance.py.

8 Compliance Types (reminder schedules from none to "90, 60, 30, 7", 12-month renewals, no course)
and N rows bulk-inserted with SQLAlchemy core: N/8 employees with a company email and no manager,
one row per type each; 5% Pending, the others' renewal dates spread evenly over one year back and
two ahead, statuses as of yesterday, each row's next action date where yesterday's run moved it
(the start of its next stage), and the HR Notification Log rows of yesterday's reminders.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import insert

import smooth
from smooth_hr.compliance_job import lead_days
from smooth_hr.compliance_status import EXPIRED, EXPIRING, PENDING, next_stage_start, reminder_days, stage_on, status_on

SCHEDULES = ["90, 60, 30, 7", "60, 30", "30, 7", "30", "90", "14, 7, 1", "", "45, 15"]
CHUNK = 10_000
SPAN_BACK, SPAN_AHEAD = 365, 730

T = TypeVar("T")


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def as_job(job: Callable[..., T], *args: Any) -> T:
    """Run a job as the job runner does: one unit of work, committed at its end."""
    with smooth.unit_of_work():
        return job(*args)


def make_types() -> dict[str, str]:
    kinds = {}
    for index, schedule in enumerate(SCHEDULES):
        name = f"Obligation {index + 1}"
        smooth.get_doc({"doctype": "Compliance Type", "compliance_type": name, "renewal_period_months": 12,
                        "reminder_days": schedule}).insert()
        kinds[name] = schedule
    smooth.db.commit()
    return kinds


def generated(n: int, kinds: dict[str, str], yesterday: dt.date, first: int = 0
              ) -> Iterator[tuple[list[dict], list[dict], list[dict]]]:
    """Chunks of (employees, compliance rows, reminder log rows) as a run yesterday would have left them.

    Rows number `first` to `n` (`first` a multiple of the number of types: an employee's rows go together)."""
    names = list(kinds)
    stages = {name: reminder_days(schedule) for name, schedule in kinds.items()}
    span = SPAN_BACK + SPAN_AHEAD
    now = dt.datetime.now().replace(microsecond=0)
    standard = {"owner": "Administrator", "creation": now, "modified": now, "modified_by": "Administrator",
                "docstatus": 0, "idx": 0}
    for start in range(first, n, CHUNK):
        employees: list[dict] = []
        rows: list[dict] = []
        logs: list[dict] = []
        for i in range(start, min(start + CHUNK, n)):
            person, kind = divmod(i, len(names))
            employee = f"HR-EMP-{person + 1:07d}"
            if kind == 0:
                employees.append({**standard, "name": employee, "first_name": f"Person {person + 1}",
                                  "employee_name": f"Person {person + 1}", "status": "Active",
                                  "company_email": f"person{person + 1}@example.com",
                                  "date_of_joining": yesterday - dt.timedelta(days=800)})
            name, ctype = f"HR-COMP-{i + 1:08d}", names[kind]
            row = {**standard, "name": name, "employee": employee, "employee_name": f"Person {person + 1}",
                   "compliance_type": ctype, "status": PENDING, "completion_date": None, "renewal_date": None,
                   "next_action_date": None}
            if i % 20:  # 1 in 20 never completed
                renewal = yesterday - dt.timedelta(days=SPAN_BACK) + dt.timedelta(days=(i * 7919) % span)
                completion = renewal - dt.timedelta(days=365)
                lead = lead_days(kinds[ctype])
                row.update(completion_date=completion, renewal_date=renewal,
                           status=status_on(yesterday, completion, renewal, lead),
                           next_action_date=next_stage_start(yesterday, renewal, stages[ctype]))
                stage = stage_on(yesterday, renewal, stages[ctype])
                if stage and row["status"] in (EXPIRING, EXPIRED):
                    key = f"reminder|{name}|{renewal}|{stage}"
                    logs.append({**standard, "name": f"log-{i + 1:08d}", "key": key, "kind": "Reminder",
                                 "stage": stage, "compliance": name, "employee": employee, "renewal_date": renewal})
            rows.append(row)
        yield employees, rows, logs


def fill(n: int, kinds: dict[str, str], yesterday: dt.date, first: int = 0) -> tuple[float, int]:
    """Bulk insert rows `first` to `n` with SQLAlchemy core, a chunk per transaction; (seconds, log rows)."""
    tables = {doctype: smooth.db.table(doctype) for doctype in ("Employee", "Employee Compliance",
                                                                 "HR Notification Log")}
    logged = 0
    start = time.perf_counter()
    for employees, rows, logs in generated(n, kinds, yesterday, first):
        for doctype, values in (("Employee", employees), ("Employee Compliance", rows),
                                ("HR Notification Log", logs)):
            if values:
                smooth.db.execute(insert(tables[doctype]), values, write=True)
        logged += len(logs)
        smooth.db.commit()
    return time.perf_counter() - start, logged

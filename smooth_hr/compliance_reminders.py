"""Staged compliance reminders and closed-loop retraining, each done once per renewal.

A Compliance Type's reminder schedule ("90, 60, 30, 7") splits the days before renewal into
stages: with 45 days left the 60-day stage is due, with 20 the 30-day one; after the lapse an
Expired notice goes out once. A run sends only the most recent stage due, so a scheduler that
was down for weeks sends one mail, not every stage it missed. Each mail (to the employee and a
copy to their manager) is claimed by an HR Notification Log row whose unique key names the
compliance row, its renewal date and the stage, inserted in the transaction that queues the
mails: two workers running together send it once, and a renewal (a new renewal date) starts
the stages again. A type linked to a course also assigns that course to the employee once per
renewal (LMS Training Assignment, due on the renewal date), keyed the same way.

Rows are read a renewal date at a time inside the windows (and in pages), never the whole
table: the work follows the rows due. Lapses older than EXPIRED_NOTICE_DAYS get no notice
(history imported long after the fact should not mail anyone).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import smooth
from smooth_hr.compliance_status import EXPIRED, EXPIRING, reminder_days
from smooth_lms.training_assignments import assign_training

log = logging.getLogger("smooth_hr.compliance_reminders")
COMPLIANCE = "Employee Compliance"
LOG = "HR Notification Log"
TEMPLATE = "Compliance Reminder"
EXPIRED_STAGE = "Expired"
EXPIRED_NOTICE_DAYS = 30
PAGE = 500
ROW_FIELDS = ["name", "employee", "employee_name", "compliance_type", "renewal_date"]


def stage_windows(stages: list[int]) -> list[tuple[str, int, int]]:
    """(stage, fewest days left, most days left): each count of days left belongs to the latest stage due."""
    windows, low = [], 0
    for stage in sorted(stages):
        windows.append((str(stage), low, stage))
        low = stage + 1
    windows.append((EXPIRED_STAGE, -EXPIRED_NOTICE_DAYS, -1))
    return windows


def rows_renewing(kinds: list[str], status: str, renewal: dt.date) -> Iterator[list[dict[str, Any]]]:
    """Pages of the rows of `kinds` in `status` renewing on `renewal` (keyset by name)."""
    last = ""
    while True:
        page = smooth.get_all(COMPLIANCE, filters=[["compliance_type", "in", kinds], ["status", "=", status],
                                                   ["renewal_date", "=", renewal], ["name", ">", last]],
                              fields=ROW_FIELDS, order_by="name asc", limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        last = page[-1]["name"]


def unclaimed(keys: dict[str, str]) -> dict[str, str]:
    """The {row: key} whose key has no HR Notification Log row yet."""
    if not keys:
        return {}
    done = set(smooth.get_all(LOG, filters={"key": ["in", list(keys.values())]}, pluck="key"))
    return {row: key for row, key in keys.items() if key not in done}


def claim(key: str, kind: str, row: dict[str, Any] | None = None, stage: str | None = None,
          recipients: list[str] | None = None, note: str | None = None) -> str | None:
    """Insert the log row that makes this happen once; its name, or None when another run has it."""
    values = {"doctype": LOG, "key": key, "kind": kind, "stage": stage, "recipients": ", ".join(recipients or []),
              "note": note}
    if row:
        values.update(compliance=row["name"], employee=row["employee"], renewal_date=row["renewal_date"])
    try:
        with smooth.savepoint():
            return smooth.get_doc(values).insert(ignore_permissions=True).name
    except (smooth.DuplicateEntryError, smooth.UniqueValidationError):
        return None


def people(employees: set[str]) -> dict[str, dict[str, Any]]:
    """These employees and their managers: name, address (user, else company email), user, manager."""
    found = _employees(employees)
    found.update(_employees({row["reports_to"] for row in found.values() if row["reports_to"]} - set(found)))
    return found


def _employees(names: set[str]) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    rows = smooth.get_all("Employee", filters={"name": ["in", list(names)]},
                          fields=["name", "employee_name", "user_id", "company_email", "reports_to", "status"])
    for row in rows:
        row["address"] = row["user_id"] or row["company_email"]
    return {row["name"]: row for row in rows}


def format_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def type_details() -> dict[str, dict[str, Any]]:
    """Every Compliance Type with its stages, course (and its title) and document type."""
    kinds = {}
    for row in smooth.get_all("Compliance Type", fields=["name", "reminder_days", "course", "document_type"]):
        row["stages"] = reminder_days(row["reminder_days"])
        row["course_title"] = smooth.db.get_value("LMS Course", row["course"], "title") if row["course"] else None
        kinds[row["name"]] = row
    return kinds


def reminder_args(row: dict[str, Any], kind: dict[str, Any], stage: str, day: dt.date, recipient: dict[str, Any],
                  for_manager: bool) -> dict[str, Any]:
    renewal = smooth.getdate(row["renewal_date"])
    return {
        "recipient_name": recipient["employee_name"] or recipient["address"], "for_manager": for_manager,
        "employee_name": row["employee_name"] or row["employee"],
        "whose": f"{row['employee_name'] or row['employee']}'s" if for_manager else "your",
        "compliance_type": row["compliance_type"],
        "name": row["name"], "renewal_date": format_day(renewal), "expired": stage == EXPIRED_STAGE,
        "days_left": (renewal - day).days, "days_ago": (day - renewal).days,
        "course": kind["course"], "course_title": kind["course_title"] or kind["course"],
        "course_url": smooth.get_url(f"/lms/courses/{kind['course']}") if kind["course"] else None,
        "document_type": kind["document_type"],
        "record_url": smooth.get_url(f"/app/employee-compliance/{row['name']}"),
    }


def send_reminders(today: dt.date | None = None) -> dict[str, Any]:
    """Mail the latest stage due of every Expiring or newly Expired row, once; returns counts."""
    day = today or smooth.today()
    result: dict[str, Any] = {"sent": 0, "without_address": []}
    kinds = type_details()
    groups: dict[tuple[int, ...], list[str]] = {}
    for name, kind in kinds.items():
        groups.setdefault(tuple(kind["stages"]), []).append(name)
    for stages, names in groups.items():
        for stage, low, high in stage_windows(list(stages)):
            status = EXPIRED if stage == EXPIRED_STAGE else EXPIRING
            for offset in range(low, high + 1):
                renewal = day + dt.timedelta(days=offset)
                for page in rows_renewing(names, status, renewal):
                    _remind_page(page, kinds, stage, day, result)
    return result


def _still_employed(page: list[dict[str, Any]], due: dict[str, str]
                    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]]:
    """(row, its employee, everyone looked up) for the page's unclaimed rows of employees who have not left."""
    rows = [row for row in page if row["name"] in due]
    staff = people({row["employee"] for row in rows}) if rows else {}
    for row in rows:
        employee = staff.get(row["employee"])
        if employee and employee["status"] != "Left":
            yield row, employee, staff


def _remind_page(page: list[dict[str, Any]], kinds: dict[str, dict[str, Any]], stage: str, day: dt.date,
                 result: dict[str, Any]) -> None:
    due = unclaimed({row["name"]: f"reminder|{row['name']}|{row['renewal_date']}|{stage}" for row in page})
    for row, employee, staff in _still_employed(page, due):
        manager = staff.get(employee["reports_to"] or "")
        recipients = [(employee, False)] if employee["address"] else []
        if manager and manager["address"] and manager["address"] != employee["address"]:
            recipients.append((manager, True))
        note = None if recipients else "Neither the employee nor their manager has a user or a company email"
        if not claim(due[row["name"]], "Reminder", row, stage, [r["address"] for r, _ in recipients], note):
            continue
        for recipient, for_manager in recipients:
            smooth.sendmail(recipient["address"], template=TEMPLATE,
                            args=reminder_args(row, kinds[row["compliance_type"]], stage, day, recipient, for_manager),
                            reference_doctype=COMPLIANCE, reference_name=row["name"])
        if recipients:
            result["sent"] += 1
        else:
            result["without_address"].append(row["name"])


def assign_retraining(today: dt.date | None = None) -> dict[str, Any]:
    """Assign the linked course to employees whose compliance is Expiring (or lapsed lately), once per renewal.

    An employee without a user cannot be enrolled: the row is listed in the result and an Error Log
    names it once; the assignment is made on the first run after a user is linked.
    """
    day = today or smooth.today()
    result: dict[str, Any] = {"assigned": 0, "without_user": [], "failed": []}
    for kind in type_details().values():
        if not kind["course"]:
            continue
        lead = (kind["stages"] or [0])[0]
        last = lead if lead else -1
        for offset in range(-EXPIRED_NOTICE_DAYS, last + 1):
            renewal = day + dt.timedelta(days=offset)
            for page in rows_renewing([kind["name"]], EXPIRED if offset < 0 else EXPIRING, renewal):
                _retrain_page(page, kind, result)
    return result


def _retrain_page(page: list[dict[str, Any]], kind: dict[str, Any], result: dict[str, Any]) -> None:
    due = unclaimed({row["name"]: f"retraining|{row['name']}|{row['renewal_date']}" for row in page})
    for row, employee, _staff in _still_employed(page, due):
        if not employee["user_id"]:
            result["without_user"].append(row["name"])
            _report_without_user(row, kind)
            continue
        try:
            with smooth.savepoint():  # a refused assignment undoes its claim only; the job goes on
                entry = claim(due[row["name"]], "Retraining", row, recipients=[employee["user_id"]])
                if not entry:
                    continue
                assignment, _created = assign_training(employee["user_id"], kind["course"],
                                                       smooth.getdate(row["renewal_date"]), COMPLIANCE, row["name"],
                                                       retrain=True)
                smooth.db.set_value(LOG, entry, {"note": f"LMS Training Assignment {assignment}"})
            result["assigned"] += 1
        except smooth.SmoothError as exc:
            result["failed"].append(row["name"])
            _error_log(row, f"Could not assign the course {kind['course']} to {employee['user_id']} for "
                            f"{row['compliance_type']} ({row['name']}): {exc}")


def _report_without_user(row: dict[str, Any], kind: dict[str, Any]) -> None:
    message = (f"{row['employee_name'] or row['employee']} ({row['employee']}) has no User: the course "
               f"{kind['course']} for {row['compliance_type']} ({row['name']}, renewal {row['renewal_date']}) "
               "could not be assigned. Link a User on the Employee; the next daily run assigns it.")
    if claim(f"no-user|{row['name']}|{row['renewal_date']}", "Retraining", row, note=message):
        log.warning(message)
        _insert_error_log(row, message)


def _error_log(row: dict[str, Any], message: str) -> None:
    log.error(message)
    _insert_error_log(row, message)


def _insert_error_log(row: dict[str, Any], message: str) -> None:
    smooth.get_doc({"doctype": "Error Log", "method": "smooth_hr.compliance_reminders.assign_retraining",
                    "error": message, "reference_doctype": COMPLIANCE,
                    "reference_name": row["name"]}).insert(ignore_permissions=True)

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

Rows are found by their stored next action date (compliance_status), one indexed range read in
pages, never a query per day of a window: the work follows the rows due, not the size of the
table. The daily job (`follow_up_due`) then moves each row on to the start of its next stage, or
to tomorrow while its stage still has work nobody could take (an employee who has Left, one
without a user to enrol). Lapses older than 30 days get no notice (history imported
long after the fact should not mail anyone).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import smooth
from smooth_hr.compliance_status import EXPIRED, EXPIRED_STAGE, EXPIRING, next_stage_start, reminder_days, stage_on
from smooth_hr.compliance_status import stage_windows as stage_windows  # where the tests and benchmarks read it
from smooth_lms.training_assignments import assign_training

log = logging.getLogger("smooth_hr.compliance_reminders")
COMPLIANCE = "Employee Compliance"
LOG = "HR Notification Log"
TEMPLATE = "Compliance Reminder"
PAGE = 500
FLOOR = dt.date(1900, 1, 1)
ROW_FIELDS = ["name", "employee", "employee_name", "compliance_type", "status", "renewal_date"]


def due_rows(day: dt.date) -> Iterator[list[dict[str, Any]]]:
    """Pages of the rows whose next action date is `day` or before, a due date at a time, keyset by name.

    Each read is a range of the (next_action_date, name) index in its own order: no sort, no scan,
    however large the table. (A range from a floor date, not `<=`: Frappe's filters let `<` match NULL.)
    """
    dates = smooth.get_all(COMPLIANCE, filters=[["next_action_date", "between", [FLOOR, day]]],
                           fields=["next_action_date"], distinct=True, order_by="next_action_date asc",
                           pluck="next_action_date")
    for due in dates:
        last = ""
        while True:
            page = smooth.get_all(COMPLIANCE, filters=[["next_action_date", "=", due], ["name", ">", last]],
                                  fields=ROW_FIELDS, order_by="name asc", limit=PAGE)
            if page:
                yield page
            if len(page) < PAGE:
                break
            last = page[-1]["name"]


def current_stage(row: dict[str, Any], kind: dict[str, Any] | None, day: dt.date) -> str | None:
    """The row's stage on `day` when its status agrees with it (Expiring before renewal, Expired after)."""
    if kind is None or not row["renewal_date"]:
        return None
    stage = stage_on(day, row["renewal_date"], kind["stages"])
    if stage is None or row["status"] != (EXPIRED if stage == EXPIRED_STAGE else EXPIRING):
        return None
    return stage


def unclaimed(keys: dict[str, str]) -> dict[str, str]:
    """The {row: key} whose key has no HR Notification Log row yet."""
    if not keys:
        return {}
    done = set(smooth.get_all(LOG, filters={"key": ["in", list(keys.values())]}, pluck="key"))
    return {row: key for row, key in keys.items() if key not in done}


def claim_values(key: str, kind: str, row: dict[str, Any] | None = None, stage: str | None = None,
                 recipients: list[str] | None = None, note: str | None = None) -> dict[str, Any]:
    """The HR Notification Log row whose unique key makes this happen once."""
    values = {"doctype": LOG, "key": key, "kind": kind, "stage": stage, "recipients": ", ".join(recipients or []),
              "note": note}
    if row:
        values.update(compliance=row["name"], employee=row["employee"], renewal_date=row["renewal_date"])
    return values


def claim(key: str, kind: str, row: dict[str, Any] | None = None, stage: str | None = None,
          recipients: list[str] | None = None, note: str | None = None) -> str | None:
    """Insert the log row that makes this happen once; its name, or None when another run has it."""
    return _claim_one(claim_values(key, kind, row, stage, recipients, note))


def claim_each(claims: list[dict[str, Any]]) -> list[bool]:
    """Which of a page's claims (claim_values) this run took: all in one multi-row INSERT under a savepoint,
    or one by one when another run holds some of them (two workers at once)."""
    if not claims:
        return []
    fields = [field for field in claims[0] if field != "doctype"]
    try:
        with smooth.savepoint():
            smooth.db.bulk_insert(LOG, fields, ([values.get(field) for field in fields] for values in claims))
        return [True] * len(claims)
    except (smooth.DuplicateEntryError, smooth.UniqueValidationError):
        return [_claim_one(values) is not None for values in claims]


def _claim_one(values: dict[str, Any]) -> str | None:
    try:
        with smooth.savepoint():
            return _insert_claim(values)
    except (smooth.DuplicateEntryError, smooth.UniqueValidationError):
        return None


def _insert_claim(values: dict[str, Any]) -> str:
    # the row and employee come from the rows just read: no Link to check
    return str(smooth.get_doc(dict(values)).insert(ignore_permissions=True, ignore_links=True).name)


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
    """The Compliance Reminder's values: language-neutral (dates as dates), the template words and dates them
    in the recipient's language, a whole sentence per case (`for_manager`, `expired`)."""
    renewal = smooth.getdate(row["renewal_date"])
    return {
        "recipient_name": recipient["employee_name"] or recipient["address"], "for_manager": for_manager,
        "employee_name": row["employee_name"] or row["employee"], "compliance_type": row["compliance_type"],
        "name": row["name"], "renewal_date": renewal, "expired": stage == EXPIRED_STAGE,
        "days_left": (renewal - day).days, "days_ago": (day - renewal).days,
        "course": kind["course"], "course_title": kind["course_title"] or kind["course"],
        "course_url": smooth.get_url(f"/lms/courses/{kind['course']}") if kind["course"] else None,
        "document_type": kind["document_type"],
        "record_url": smooth.get_url(f"/app/employee-compliance/{row['name']}"),
    }


def send_reminders(today: dt.date | None = None) -> dict[str, Any]:
    """Mail the latest stage due of every due Expiring or newly Expired row, once; returns counts.

    Rows are not moved on (the daily job does that after retraining too), so a second call the
    same day finds them again and sends nothing: every stage is claimed.
    """
    day = today or smooth.today()
    kinds = type_details()
    result = reminder_result()
    for page in due_rows(day):
        _remind_page(page, kinds, day, result)
    return result


def reminder_result() -> dict[str, Any]:
    return {"sent": 0, "without_address": []}


def retraining_result() -> dict[str, Any]:
    return {"assigned": 0, "without_user": [], "failed": []}


def follow_up_due(day: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The daily job's pass: retraining, then reminders, then each due row's next action date; (retraining, reminders).

    Page by page, so memory stays flat however many rows are due (a week of missed runs, a large import).
    """
    kinds = type_details()
    retraining, reminders = retraining_result(), reminder_result()
    for page in due_rows(day):
        waiting = _retrain_page(page, kinds, day, retraining) | _remind_page(page, kinds, day, reminders)
        restage(page, kinds, day, waiting)
    return retraining, reminders


def restage(page: list[dict[str, Any]], kinds: dict[str, dict[str, Any]], day: dt.date, waiting: set[str]) -> None:
    """Move each row on: to tomorrow while its stage waits on someone, else to the start of its next stage.

    One UPDATE per distinct next date of the page, not one per row.
    """
    tomorrow = day + dt.timedelta(days=1)
    moves: dict[dt.date | None, list[str]] = {}
    for row in page:
        kind = kinds.get(row["compliance_type"])
        if row["name"] in waiting:
            after: dt.date | None = tomorrow
        elif kind is None or not row["renewal_date"]:
            after = None
        else:
            after = next_stage_start(day, row["renewal_date"], kind["stages"])
        moves.setdefault(after, []).append(row["name"])
    for after, names in moves.items():
        smooth.db.set_value(COMPLIANCE, [["name", "in", names]], {"next_action_date": after}, update_modified=False)


def _still_employed(page: list[dict[str, Any]], due: dict[str, str], waiting: set[str]
                    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]]:
    """(row, its employee, everyone looked up) for the page's unclaimed rows of employees who have not left.

    The others go to `waiting`: their stage stays due, so an employee taken back still gets it.
    """
    rows = [row for row in page if row["name"] in due]
    staff = people({row["employee"] for row in rows}) if rows else {}
    for row in rows:
        employee = staff.get(row["employee"])
        if employee and employee["status"] != "Left":
            yield row, employee, staff
        else:
            waiting.add(row["name"])


def _remind_page(page: list[dict[str, Any]], kinds: dict[str, dict[str, Any]], day: dt.date,
                 result: dict[str, Any]) -> set[str]:
    """Send the page's unclaimed stages; the rows whose stage must wait (see _still_employed)."""
    stages = {row["name"]: stage for row in page
              if (stage := current_stage(row, kinds.get(row["compliance_type"]), day))}
    due = unclaimed({row["name"]: f"reminder|{row['name']}|{row['renewal_date']}|{stages[row['name']]}"
                     for row in page if row["name"] in stages})
    waiting: set[str] = set()
    sends: list[tuple[dict[str, Any], str, list[tuple[dict[str, Any], bool]]]] = []
    claims: list[dict[str, Any]] = []
    for row, employee, staff in _still_employed(page, due, waiting):
        stage = stages[row["name"]]
        manager = staff.get(employee["reports_to"] or "")
        recipients = [(employee, False)] if employee["address"] else []
        if manager and manager["address"] and manager["address"] != employee["address"]:
            recipients.append((manager, True))
        note = None if recipients else "Neither the employee nor their manager has a user or a company email"
        sends.append((row, stage, recipients))
        claims.append(claim_values(due[row["name"]], "Reminder", row, stage, [r["address"] for r, _ in recipients],
                                   note))
    mails: list[dict[str, Any]] = []
    for (row, stage, recipients), claimed in zip(sends, claim_each(claims), strict=True):
        if not claimed:
            continue
        mails.extend({"recipients": recipient["address"], "template": TEMPLATE,
                      "args": reminder_args(row, kinds[row["compliance_type"]], stage, day, recipient, for_manager),
                      "reference_doctype": COMPLIANCE, "reference_name": row["name"]}
                     for recipient, for_manager in recipients)
        if recipients:
            result["sent"] += 1
        else:
            result["without_address"].append(row["name"])
    smooth.sendmail_many(mails)
    return waiting


def assign_retraining(today: dt.date | None = None) -> dict[str, Any]:
    """Assign the linked course to employees whose compliance is Expiring (or lapsed lately), once per renewal.

    An employee without a user cannot be enrolled: the row is listed in the result and an Error Log
    names it once; the assignment is made on the first run after a user is linked (the daily job
    keeps such a row due until then).
    """
    day = today or smooth.today()
    kinds = type_details()
    result = retraining_result()
    if any(kind["course"] for kind in kinds.values()):
        for page in due_rows(day):
            _retrain_page(page, kinds, day, result)
    return result


def _retrain_page(page: list[dict[str, Any]], kinds: dict[str, dict[str, Any]], day: dt.date,
                  result: dict[str, Any]) -> set[str]:
    """Assign the page's unclaimed courses; the rows that must be tried again tomorrow."""
    due = unclaimed({row["name"]: f"retraining|{row['name']}|{row['renewal_date']}" for row in page
                     if (kind := kinds.get(row["compliance_type"])) and kind["course"]
                     and current_stage(row, kind, day)})
    waiting: set[str] = set()
    for row, employee, _staff in _still_employed(page, due, waiting):
        kind = kinds[row["compliance_type"]]
        if not employee["user_id"]:
            result["without_user"].append(row["name"])
            waiting.add(row["name"])
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
            waiting.add(row["name"])
            _error_log(row, f"Could not assign the course {kind['course']} to {employee['user_id']} for "
                            f"{row['compliance_type']} ({row['name']}): {exc}")
    return waiting


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

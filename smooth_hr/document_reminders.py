"""Staged expiry reminders for filed Employee Documents (a licence, a visa, a background check).

An Employee Document Type's `reminder_lead_days` opens the stages: a reminder at the lead time, another
at 7 days (when the lead time is longer), and an Expired notice on the expiry date. A run sends only the
latest stage due, so a scheduler that was down for a week sends one mail, not every stage it missed; a
lapse older than 30 days gets none (history imported late should not mail anyone). Each stage goes to
the employee, their manager and every HR Manager, claimed once by an HR Notification Log row whose
unique key names the document, its expiry date and the stage, inserted in the transaction that queues
the mails: two schedulers running together send it once, and a corrected expiry date starts again.
Only the current document is reminded of: one superseded by its renewal is done with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_hr.compliance_reminders import LOG, claim_each, people
from smooth_hr.training_digest import hr_managers

DOCUMENT = "Employee Document"
TEMPLATE = "Document Expiry Reminder"
EXPIRED = "Expired"
LAST_CALL = 7
LATE_DAYS = 30
FIELDS = ["name", "employee", "employee_name", "document_type", "title", "expiry_date"]


def stages(lead_days: int) -> list[int]:
    """The days-before-expiry stages of a lead time, largest first: (30) -> [30, 7]; (5) -> [5]; (0) -> []."""
    if lead_days <= 0:
        return []
    return [lead_days, LAST_CALL] if lead_days > LAST_CALL else [lead_days]


def stage_on(day: dt.date, expiry: dt.date, lead_days: int) -> str | None:
    """The latest stage due on `day`: "30", "7", "Expired", or None (too early, too late, or no reminders)."""
    left = (expiry - day).days
    steps = stages(lead_days)
    if not steps or left > steps[0] or left < -LATE_DAYS:
        return None
    if left <= 0:
        return EXPIRED
    return str(min(step for step in steps if left <= step))


def due_documents(day: dt.date) -> list[tuple[dict[str, Any], str]]:
    """(document, stage) of every current document of a reminding type whose stage is due on `day`."""
    due = []
    for kind in smooth.get_all("Employee Document Type", filters={"reminder_lead_days": [">", 0]},
                               fields=["name", "reminder_lead_days"]):
        lead = int(kind["reminder_lead_days"])
        window = [day - dt.timedelta(days=LATE_DAYS), day + dt.timedelta(days=lead)]
        for row in smooth.get_all(DOCUMENT, filters=[["document_type", "=", kind["name"]],
                                                     ["expiry_date", "between", window],
                                                     ["superseded_by", "is", "not set"]],
                                  fields=FIELDS, order_by="expiry_date asc, name asc"):
            stage = stage_on(day, smooth.getdate(row["expiry_date"]), lead)
            if stage:
                due.append((row, stage))
    return due


def send_document_reminders(today: dt.date | None = None) -> dict[str, Any]:
    """scheduler_events daily: send each due stage once; counts, and the documents nobody could be told of."""
    day = today or smooth.today()
    due = due_documents(day)
    keys = {f"document|{row['name']}|{row['expiry_date']}|{stage}": (row, stage) for row, stage in due}
    done = set(smooth.get_all(LOG, filters={"key": ["in", list(keys) or [""]]}, pluck="key"))
    pending = {key: value for key, value in keys.items() if key not in done}
    staff = people({row["employee"] for row, _stage in pending.values()})
    hr = [{"address": user["name"], "employee_name": user["full_name"]} for user in hr_managers()]
    sends, claims = [], []
    for key, (row, stage) in pending.items():
        employee = staff.get(row["employee"])
        if employee is None or employee["status"] == "Left":
            continue
        recipients = _recipients(employee, staff.get(employee["reports_to"] or ""), hr)
        sends.append((row, stage, recipients))
        claims.append({"doctype": LOG, "key": key, "kind": "Document Expiry", "stage": stage,
                       "employee": row["employee"], "employee_document": row["name"],
                       "renewal_date": row["expiry_date"],
                       "recipients": ", ".join(person["address"] for person, _mine in recipients),
                       "note": None if recipients else "Nobody to tell: no user or company email, and no HR Manager"})
    result: dict[str, Any] = {"sent": 0, "without_address": []}
    for (row, stage, recipients), claimed in zip(sends, claim_each(claims), strict=True):
        if not claimed:
            continue
        for person, for_employee in recipients:
            smooth.sendmail(person["address"], template=TEMPLATE, args=_args(row, stage, day, person, for_employee),
                            reference_doctype=DOCUMENT, reference_name=row["name"])
        if recipients:
            result["sent"] += 1
        else:
            result["without_address"].append(row["name"])
    return result


def _recipients(employee: dict[str, Any], manager: dict[str, Any] | None,
                hr: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    """(person, whether it is the employee: the mail says "your" rather than their name), each address once."""
    found: list[tuple[dict[str, Any], bool]] = []
    seen: set[str] = set()
    for person, for_employee in ((employee, True), (manager, False), *((person, False) for person in hr)):
        if person and person["address"] and person["address"] not in seen:
            seen.add(person["address"])
            found.append((person, for_employee))
    return found


def _args(row: dict[str, Any], stage: str, day: dt.date, person: dict[str, Any], for_employee: bool) -> dict[str, Any]:
    """Language-neutral values (dates as dates): the template words and dates them in the recipient's language."""
    expiry = smooth.getdate(row["expiry_date"])
    return {"recipient_name": person["employee_name"] or person["address"],
            "for_employee": for_employee, "employee_name": row["employee_name"] or row["employee"],
            "document_type": row["document_type"], "title": row["title"] or row["document_type"],
            "expiry_date": expiry, "expired": stage == EXPIRED, "days_left": (expiry - day).days,
            "days_ago": (day - expiry).days, "record_url": smooth.get_url(f"/app/employee-document/{row['name']}")}


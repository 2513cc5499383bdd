"""Onboarding and separation templates: the activities an employee of a department, designation or
employment type goes through, copied into their onboarding or separation with due dates.

The template used is the one named on the document or, when none is, the enabled template that
matches the employee on the most of department, designation and employment type (an empty field
matches anyone; a field set to something else rules the template out). Activities are copied only
into an empty table, so HR's own edits are never overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth

MATCHED_ON = ("department", "designation", "employment_type")
COPIED = ("activity_name", "kind", "user", "role", "begin_on", "duration", "document_type", "description",
          "policy_file", "policy_text", "required_for_employee_creation")


def best_template(template_doctype: str, employee: dict[str, Any]) -> str | None:
    """The enabled template fitting the employee most closely (ties: by name), or None."""
    best: tuple[int, str] | None = None
    for row in smooth.get_all(template_doctype, filters={"disabled": 0}, fields=["name", *MATCHED_ON],
                              order_by="name asc"):
        if any(row[f] and row[f] != employee.get(f) for f in MATCHED_ON):
            continue
        score = sum(1 for f in MATCHED_ON if row[f])
        if best is None or score > best[0]:
            best = (score, row["name"])
    return best[1] if best else None


def due_date(start: Any, begin_on: Any, duration: Any) -> dt.date | None:
    if not start:
        return None
    return smooth.add_days(smooth.getdate(start), int(begin_on or 0) + int(duration or 0))


def fill_activities(doc: Any, template_field: str, template_doctype: str, start_field: str) -> None:
    """Fill an empty Activities table from the chosen (or best matching) template, with due dates."""
    if doc.activities or not doc.employee:
        return
    if not doc.get(template_field):
        employee = smooth.db.get_value("Employee", doc.employee, ["name", *MATCHED_ON], as_dict=True) or {}
        doc.set(template_field, best_template(template_doctype, employee))
    if not doc.get(template_field):
        return
    template = smooth.get_doc(template_doctype, doc.get(template_field))
    for row in template.activities or []:
        values = {field: row.get(field) for field in COPIED}
        values["due_date"] = due_date(doc.get(start_field), row.begin_on, row.duration)
        doc.append("activities", values)


def overdue(activities: list[Any], day: dt.date) -> list[Any]:
    return [row for row in activities if not int(row.get("completed") or 0) and row.get("due_date")
            and smooth.getdate(row.get("due_date")) < day]

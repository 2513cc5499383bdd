"""Offboarding: what submitting an Employee Separation does, and what a re-hire undoes.

Nothing is deleted: an inspector may ask years later what someone held on their last day. The
employee is marked Left with their relieving date, their login is disabled, their open training
assignments are closed as Not Required and their compliance records marked Not Applicable (so no
job moves or reminds them again). A re-hire makes them Active, enables the login and puts their
compliance records back under the dates' rule; their history stays where it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth import _
from smooth_hr.compliance_status import COMPLETE, NOT_APPLICABLE, PENDING
from smooth_lms.training_assignments import close_not_required

SEPARATION = "Employee Separation"
COMPLIANCE = "Employee Compliance"
HR_ROLES = ("HR Manager", "HR User", "System Manager")
LEFT, ACTIVE = "Left", "Active"


def _compliance_names(employee: str, filters: dict[str, Any]) -> list[str]:
    return smooth.get_all(COMPLIANCE, filters={"employee": employee, **filters}, pluck="name", order_by="name asc")


def offboard(employee: str, relieving_date: dt.date | str) -> str:
    """Close everything of the employee; a line saying what was done (kept on the separation)."""
    row = smooth.db.get_value("Employee", employee, ["user_id", "status"], as_dict=True)
    if not row:
        raise smooth.DoesNotExistError(_("Employee {0} not found", employee))
    smooth.db.set_value("Employee", employee, {"status": LEFT, "relieving_date": smooth.getdate(relieving_date)})
    done = [f"Employee marked {LEFT}"]
    if row["user_id"]:
        smooth.db.set_value("User", row["user_id"], "enabled", 0)
        done.append(f"login {row['user_id']} disabled")
        closed = close_not_required(row["user_id"])
        done.append(f"{closed} open training assignment{'s' if closed != 1 else ''} closed as Not Required")
    names = _compliance_names(employee, {"status": ["!=", NOT_APPLICABLE]})
    for name in names:
        smooth.db.set_value(COMPLIANCE, name, {"status": NOT_APPLICABLE, "next_action_date": None})
    done.append(f"{len(names)} compliance record{'s' if len(names) != 1 else ''} marked {NOT_APPLICABLE}")
    return "; ".join(done) + "."


@smooth.whitelist(methods=("POST",))
def rehire(name: str, date_of_joining: str | None = None) -> dict[str, Any]:
    """The Employee form's "Re-hire": Active again from `date_of_joining` (today by default), login enabled,
    compliance records back under their dates. Training comes from a new onboarding."""
    if not set(HR_ROLES) & set(smooth.get_roles()):
        raise smooth.PermissionError(_("Only HR Managers and HR Users can re-hire an employee"))
    doc = smooth.get_doc("Employee", name)
    doc.check_permission("write")
    if doc.status != LEFT:
        raise smooth.ValidationError(_("{0} is {1}, not {2}: there is no one to re-hire", doc.employee_name, doc.status,
                                                 LEFT))
    day = smooth.input_date(date_of_joining, "Date of Joining") if date_of_joining else smooth.today()
    doc.status, doc.relieving_date, doc.date_of_joining = ACTIVE, None, day
    doc.save()
    if doc.user_id:
        smooth.db.set_value("User", doc.user_id, "enabled", 1)
    names = _compliance_names(name, {"status": NOT_APPLICABLE})
    for name in names:
        record = smooth.get_doc(COMPLIANCE, name)
        record.status = COMPLETE if record.completion_date else PENDING  # the controller judges the dates
        record.save(ignore_permissions=True)
    smooth.msgprint(_("{0} is Active again from {1}; {2} compliance records are tracked again. Create an "
                      "onboarding to assign their training.", doc.employee_name, day, len(names)))
    return {"employee": name, "compliance": len(names)}

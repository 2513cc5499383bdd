"""Onboarding enrols a new hire in their training: every published Mandatory course, plus the courses
whose audiences (LMS Course Audience rows) match the employee's department / designation.

Each course gets one LMS Training Assignment due `date_of_joining + course.default_due_days`. A course
already assigned through any onboarding of the member is skipped whatever its status, so submitting an
amendment, or HR re-running it after new courses were published, adds only what is missing, and a
course finished since is not handed out again. Runs for one employee take turns on the Employee row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _
from smooth_lms.training_assignments import NOT_REQUIRED, assign_training, assignment_rows

ONBOARDING = "Employee Onboarding"
LEARNER_ROLE = "LMS Student"
HR_ROLES = ("HR Manager", "HR User", "System Manager")
PENDING, IN_PROCESS, COMPLETED = "Pending", "In Process", "Completed"
OPEN_COURSE = {"published": 1, "upcoming": 0}  # an upcoming course is not open for enrolment: a re-run adds it later


@dataclass(frozen=True)
class Learner:
    """The employee an onboarding is for, as the enrolment needs them."""

    employee: str
    employee_name: str
    user: str
    department: str | None
    designation: str | None


def require_learner(employee: str) -> Learner:
    """The employee with their User, refusing (with what to fix) when they cannot be enrolled."""
    row = smooth.db.get_value("Employee", employee, ["name", "employee_name", "user_id", "department",
                                                     "designation"], as_dict=True)
    if not row:
        raise smooth.DoesNotExistError(_("Employee {0} not found", employee))
    who = _("Employee {0} ({1})", row["name"], row["employee_name"])
    if not row["user_id"]:
        raise smooth.ValidationError(
            _("{0} has no User: link their login in the Employee's User field, then submit the onboarding "
              "again, so they can be enrolled in their courses", who))
    enabled = smooth.db.get_value("User", row["user_id"], "enabled")
    if enabled is not None and not int(enabled):
        raise smooth.ValidationError(_("User {0} of {1} is disabled: enable the User, then submit "
                                       "the onboarding again", row["user_id"], who))
    if LEARNER_ROLE not in smooth.get_roles(row["user_id"]):
        raise smooth.ValidationError(
            _("User {0} of {1} does not have the {2} role: add it in the User's Roles, then submit the "
              "onboarding again, so they can be enrolled in their courses", row["user_id"], who, LEARNER_ROLE))
    return Learner(row["name"], row["employee_name"], row["user_id"], row["department"], row["designation"])


def _audience_matches(row: dict[str, Any], learner: Learner) -> bool:
    if not row.get("department") and not row.get("designation"):
        return False
    return (not row.get("department") or row["department"] == learner.department) and \
        (not row.get("designation") or row["designation"] == learner.designation)


def courses_for(learner: Learner) -> list[dict[str, Any]]:
    """Published courses the learner must take: Mandatory ones and those whose audience matches them
    (not those still upcoming: they are not open for enrolment yet)."""
    fields = ["name", "title", "default_due_days"]
    chosen = {c["name"]: c for c in smooth.get_all("LMS Course", filters={**OPEN_COURSE, "mandatory": 1},
                                                  fields=fields, order_by="name asc")}
    audiences = smooth.get_all("LMS Course Audience", filters={"parenttype": "LMS Course"},
                               fields=["parent", "department", "designation"], order_by="parent asc")
    mapped = sorted({a["parent"] for a in audiences if _audience_matches(a, learner)} - set(chosen))
    if mapped:
        for course in smooth.get_all("LMS Course", filters={**OPEN_COURSE, "name": ["in", mapped]},
                                     fields=fields, order_by="name asc"):
            chosen[course["name"]] = course
    return [chosen[name] for name in sorted(chosen)]


def due_date(date_of_joining: Any, course: dict[str, Any]) -> dt.date:
    return smooth.add_days(smooth.getdate(date_of_joining), int(course.get("default_due_days") or 0))


def enrol(onboarding: Any) -> list[str]:
    """Assign the onboarding's employee every course they still need; the names of the new assignments."""
    learner = require_learner(onboarding.employee)
    smooth.db.get_value("Employee", learner.employee, "name", for_update=True)  # one run per employee at a time
    courses = courses_for(learner)
    if not courses:
        return []
    done_before = set(smooth.get_all("LMS Training Assignment", pluck="course", filters={
        "member": learner.user, "reference_doctype": ONBOARDING, "course": ["in", [c["name"] for c in courses]],
        "status": ["!=", NOT_REQUIRED]}))  # closed by a separation: a re-hire takes the course again
    created = []
    for course in courses:
        if course["name"] in done_before:
            continue
        name, new = assign_training(learner.user, course["name"], due_date(onboarding.date_of_joining, course),
                                    ONBOARDING, onboarding.name)
        if new:
            created.append(name)
    return created


def send_welcome(onboarding: Any) -> None:
    """The new hire's way in: their checklist and their training, by email, when HR submits the onboarding."""
    learner = require_learner(onboarding.employee)
    training = [{**row, "due_date": smooth.getdate(row["due_date"]) if row["due_date"] else None}  # the mail dates it
                for row in assignment_rows({"member": learner.user, "status": ["!=", "Completed"]})]
    smooth.sendmail(learner.user, template="Onboarding Welcome", args={
        "employee_name": learner.employee_name, "checklist_url": smooth.get_url(f"/onboarding/{onboarding.name}"),
        "learning_url": smooth.get_url("/lms"), "activities": len(onboarding.activities or []), "training": training},
        reference_doctype=ONBOARDING, reference_name=onboarding.name)


def boarding_status(activities: list[Any]) -> str:
    """Completed when every activity is done, In Process once one is, else Pending."""
    done = sum(1 for row in activities if int(row.get("completed") or 0))
    if done == len(activities):
        return COMPLETED
    return IN_PROCESS if done else PENDING


@smooth.whitelist(methods=["POST"])
def assign_new_courses(name: str) -> dict[str, Any]:
    """HR's re-run of a submitted onboarding: assigns courses published (or mapped) since, nothing twice."""
    if not set(HR_ROLES) & set(smooth.get_roles()):
        raise smooth.PermissionError(_("Only HR Managers and HR Users can assign onboarding courses"))
    doc = smooth.get_doc(ONBOARDING, name)
    doc.check_permission("write")
    if int(doc.docstatus or 0) != 1:
        raise smooth.ValidationError(_("Onboarding {0} is not submitted: submitting it assigns the courses", name))
    created = enrol(doc)
    assigned = _("Assigned {0} new course to {1}") if len(created) == 1 else _("Assigned {0} new courses to {1}")
    smooth.msgprint(assigned.format(len(created), doc.employee_name) if created
                    else _("{0} already has every course they need", doc.employee_name))
    return {"assigned": created}

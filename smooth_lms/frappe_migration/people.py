"""Users, their LMS roles, and evaluators with their weekly schedules and unavailability."""

from __future__ import annotations

import smooth
from smooth_lms.frappe_migration.mapping import Migration, Row, Skip, Target

# Frappe LMS's own roles, which Smooth LMS ships with the same names and meaning
LMS_ROLES = ("Moderator", "Course Creator", "Batch Evaluator", "LMS Student")
BUILT_IN_USERS = ("Administrator", "Guest")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def user(m: Migration, row: Row) -> Target:
    name = row["name"]
    if name in BUILT_IN_USERS:
        raise Skip("a built-in user, already here")
    email = (row.get("email") or name).strip().lower()
    existing = smooth.db.get_value("User", email, "name")
    if existing:
        m.report.note("Users already on this site were kept as they are and linked to their Frappe LMS records.")
        return "User", existing
    doc = smooth.get_doc({"doctype": "User", "email": email, "first_name": row.get("first_name") or email,
                          "last_name": row.get("last_name"), "enabled": int(row.get("enabled", 1) or 0),
                          "user_type": row.get("user_type") if row.get("user_type") == "System User"
                          else "Website User", "time_zone": row.get("time_zone")})
    doc.insert(ignore_permissions=True)
    m.report.note("Passwords cannot be read over the API: migrated users set theirs with 'Forgot password'.")
    return "User", doc.name


def role(m: Migration, row: Row) -> Target:
    """A `Has Role` row: an LMS role given to a migrated user (other roles stay behind)."""
    name = row.get("role") or ""
    if name not in LMS_ROLES:
        raise Skip("not an LMS role (only Moderator, Course Creator, Batch Evaluator and LMS Student are carried)")
    member = m.need("User", row.get("parent"), "user")
    doc = smooth.get_doc("User", member)
    if name not in {r.role for r in doc.roles}:
        doc.append("roles", {"role": name})
        doc.save(ignore_permissions=True)
    return "User", member


def evaluator(m: Migration, row: Row) -> Target:
    member = m.need("User", row.get("evaluator"), "evaluator user")
    if smooth.db.exists("Course Evaluator", member):
        return "Course Evaluator", member
    schedule = [{"day": r.get("day"), "start_time": r.get("start_time"), "end_time": r.get("end_time")}
                for r in row.get("schedule") or []]
    dropped = [r for r in schedule if r["day"] not in WEEKDAYS or not (r["start_time"] and r["end_time"])]
    if dropped:
        m.report.note(f"Evaluator {member}: {len(dropped)} schedule row(s) without a weekday or times were left out.")
    unavailable = []
    if row.get("unavailable_from") and row.get("unavailable_to"):
        unavailable.append({"from_date": row["unavailable_from"], "to_date": row["unavailable_to"],
                            "reason": "Unavailable (from Frappe LMS)"})
    doc = smooth.get_doc({"doctype": "Course Evaluator", "evaluator": member, "full_name": row.get("full_name"),
                          "schedule": [r for r in schedule if r not in dropped],
                          "unavailable_from": row.get("unavailable_from"), "unavailable_to": row.get("unavailable_to"),
                          "unavailability": unavailable})
    doc.insert(ignore_permissions=True)
    return "Course Evaluator", doc.name


def evaluator_courses(course: str, evaluator_name: str | None) -> None:
    """Frappe LMS names a course's evaluator on the course; Smooth lists the courses on the evaluator too."""
    if not evaluator_name or not smooth.db.exists("Course Evaluator", evaluator_name):
        return
    doc = smooth.get_doc("Course Evaluator", evaluator_name)
    if course not in {r.course for r in doc.courses}:
        doc.append("courses", {"course": course})
        doc.save(ignore_permissions=True)

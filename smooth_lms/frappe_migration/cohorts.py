"""Batches with their courses and members, enrollments and lesson progress."""

from __future__ import annotations

import smooth
from smooth_lms.frappe_migration.mapping import Migration, Row, Skip, Target

PROGRESS_STATES = ("Complete", "Partially Complete", "Incomplete")


def batch(m: Migration, row: Row) -> Target:
    courses = []
    for ref in row.get("courses") or []:
        course = m.state.target("LMS Course", ref.get("course"))
        if not course:
            m.report.note(f"Batch {row['name']}: course {ref.get('course')} was not migrated and is not in it here.")
            continue
        courses.append({"course": course, "evaluator": m.state.target("Course Evaluator", ref.get("evaluator"))})
    # Frappe LMS before LMS Batch Enrollment kept the members in the batch (Batch Student rows)
    students = [m.state.target("User", r.get("student")) for r in row.get("students") or []]
    missing = [r.get("student") for r, member in zip(row.get("students") or [], students, strict=True) if not member]
    if missing:
        m.report.note(f"Batch {row['name']}: {len(missing)} student(s) were not migrated users and were left out.")
    doc = smooth.get_doc({
        "doctype": "LMS Batch", "title": row.get("title") or row["name"], "start_date": row.get("start_date"),
        "end_date": row.get("end_date"), "timezone": row.get("timezone"),
        "evaluation_end_date": row.get("evaluation_end_date"), "evaluation_required": int(row.get("evaluation") or 0),
        "courses": list({c["course"]: c for c in courses}.values()),
        "members": [{"member": member} for member in dict.fromkeys(s for s in students if s)]})
    doc.insert(ignore_permissions=True)
    return "LMS Batch", doc.name


def batch_member(m: Migration, row: Row) -> Target:
    """An LMS Batch Enrollment: a member row of the batch here."""
    target = m.need("LMS Batch", row.get("batch"), "batch")
    member = m.need("User", row.get("member"), "member")
    doc = smooth.get_doc("LMS Batch", target)
    if member not in {r.member for r in doc.members}:
        doc.append("members", {"member": member})
        doc.save(ignore_permissions=True)
    return "LMS Batch", target


def enrollment(m: Migration, row: Row) -> Target:
    member = m.need("User", row.get("member"), "member")
    course = m.need("LMS Course", row.get("course"), "course")
    existing = smooth.db.get_value("LMS Enrollment", {"member": member, "course": course}, "name")
    if existing:
        raise Skip("the member is already enrolled in this course here")
    doc = smooth.get_doc({"doctype": "LMS Enrollment", "member": member, "course": course,
                          "batch": m.state.target("LMS Batch", row.get("enrollment_from_batch")),
                          "progress": row.get("progress") or 0})
    doc.insert(ignore_permissions=True)
    return "LMS Enrollment", doc.name


def progress(m: Migration, row: Row) -> Target:
    member = m.need("User", row.get("member"), "member")
    lesson = m.need("Course Lesson", row.get("lesson"), "lesson")
    if row.get("status") not in PROGRESS_STATES:
        raise Skip(f"unknown status {row.get('status')!r}")
    doc = smooth.get_doc({"doctype": "LMS Course Progress", "member": member, "lesson": lesson,
                          "status": row["status"]})
    doc.insert(ignore_permissions=True)
    return "LMS Course Progress", doc.name

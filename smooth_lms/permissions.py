"""Record rules for LMS doctypes (hooks.py `permission_query_conditions`).

Learners see their own certificate requests, evaluators the ones assigned to them. An
evaluator reads and writes only their own Course Evaluator record (its unavailability reasons
are private); learners hold no read right on it at all and see availability only through
`smooth_lms.api.get_available_slots`. Moderators and System Managers see everything.
Rules are filters (never SQL), so lists, counts, get_value and single reads and writes apply
the same rule.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms.authorship import taught_courses

SEE_ALL = ("System Manager", "Moderator")


def is_staff(user: str) -> bool:
    """Moderators and System Managers run the LMS: they book for others and fix its configuration."""
    return user == "Administrator" or bool(set(smooth.get_roles(user)) & set(SEE_ALL))


def certificate_request_conditions(user: str) -> Any:
    if is_staff(user):
        return None
    return {"or_filters": [["member", "=", user], ["evaluator", "=", user]]}


def course_evaluator_conditions(user: str) -> Any:
    """By name, not by the `evaluator` field: the name is the evaluator and no update can change it,
    so a write that also sets `evaluator` is still judged by whose record it is."""
    if is_staff(user):
        return None
    return {"name": user}


def evaluator_child_conditions(user: str) -> Any:
    """Rows of the Course Evaluator tables (schedule, unavailability, courses) follow their record's rule,
    also when listed as a doctype of their own (/api/resource/Evaluator Unavailability)."""
    if is_staff(user):
        return None
    return {"parenttype": "Course Evaluator", "parent": user}


def certificate_evaluation_conditions(user: str) -> Any:
    """Evaluators see the evaluations they record; learners read theirs only through the portal (no private notes)."""
    if is_staff(user):
        return None
    return {"evaluator": user}


def evaluates(user: str) -> tuple[list[str], list[str]]:
    """The courses and cohorts `user` evaluates: their Course Evaluator courses, courses naming them as
    default evaluator, and cohorts (or a cohort's course rows) naming them."""
    courses = set(smooth.get_all("Evaluator Course", filters={"parent": user, "parenttype": "Course Evaluator"},
                                 pluck="course"))
    courses |= set(smooth.get_all("LMS Course", filters={"evaluator": user}, pluck="name"))
    batches = set(smooth.get_all("LMS Batch", filters={"evaluator": user}, pluck="name"))
    batches |= set(smooth.get_all("Batch Course", filters={"evaluator": user, "parenttype": "LMS Batch"},
                                  pluck="parent"))
    return sorted(courses), sorted(batches)


def grades(user: str, course: str | None, batch: str | None) -> bool:
    """Whether `user` grades work of `course` handed in through `batch`."""
    if is_staff(user):
        return True
    courses, batches = evaluates(user)
    return course in courses or bool(batch and batch in batches)


def assignment_submission_conditions(user: str) -> Any:
    """A learner reads only their own submissions; evaluators those of the courses and cohorts they evaluate,
    course authors those of the courses they teach."""
    if is_staff(user):
        return None
    courses, batches = evaluates(user)
    courses = sorted(set(courses) | set(taught_courses(user)))
    rules: list[list[Any]] = [["member", "=", user]]
    if courses:
        rules.append(["course", "in", courses])
    if batches:
        rules.append(["batch", "in", batches])
    return {"or_filters": rules}

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

"""Record rules for LMS doctypes: learners see their own requests, evaluators the ones assigned to them.

Rules are filters (never SQL), so lists, counts and single reads apply the same rule.
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

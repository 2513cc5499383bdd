"""Record rules for LMS doctypes: learners see their own requests, evaluators the ones assigned to them.

Rules are filters (never SQL), so lists, counts and single reads apply the same rule.
"""

from __future__ import annotations

from typing import Any

import smooth

SEE_ALL = ("System Manager", "Moderator")


def certificate_request_conditions(user: str) -> Any:
    if user == "Administrator" or set(smooth.get_roles(user)) & set(SEE_ALL):
        return None
    return {"or_filters": [["member", "=", user], ["evaluator", "=", user]]}

"""Record rules for Test Record: students see their own rows, evaluators the rows they score."""

from __future__ import annotations

from typing import Any

import smooth


def test_record_conditions(user: str) -> Any:
    roles = smooth.get_roles(user)
    if "System Manager" in roles:
        return None
    or_filters = []
    if "Test Student" in roles:
        or_filters.append(["member", "=", user])
    if "Test Evaluator" in roles:
        or_filters.append(["status", "=", "Pending"])
    if not or_filters:
        return [["name", "is", "not set"]]
    return {"or_filters": or_filters}


def test_record_permission(doc: Any, ptype: str, user: str) -> bool | None:
    if ptype == "write" and doc.status == "Cancelled" and "System Manager" not in smooth.get_roles(user):
        return False
    return None

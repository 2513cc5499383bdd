"""The manager scope: an employee sees their own records and those of everyone below them, nothing else.

The "Employee" role (Frappe HRMS's standard role, given to a user when an Employee record
links them) grants read on Employee, Employee Compliance and LMS Quiz Submission; these
record rules (hooks.py `permission_query_conditions`) narrow that read to the user's own
Employee and the whole reporting subtree below it (`reports_to`, any depth): a team lead
sees their reports and their reports' reports. Managers are found from the data, not from
a role: whoever is someone's `reports_to` has a team.

A user whose other roles already read the doctype outright (HR Manager, HR User, System
Manager; Moderator, Batch Evaluator and Course Creator on quiz submissions) keeps that
read: the rule returns None for them (a Course Creator's is narrowed by smooth_lms/authorship.py).
A user without the Employee role is left as before
(an LMS Student still reads only the quiz submissions they own). The rules are filters, so
lists, counts, group-by aggregates, single reads and reports apply the same scope.
"""

from __future__ import annotations

from typing import Any

import smooth

SCOPED_ROLE = "Employee"
CHUNK = 5_000  # reports_to values per query while walking the tree


def sees_all(doctype: str, user: str) -> bool:
    """Whether a role of the user other than Employee reads `doctype` outright (not only what they own)."""
    if user == "Administrator":
        return True
    roles = set(smooth.get_roles(user))
    return any(perm.get("role") in roles and perm.get("role") != SCOPED_ROLE and perm.get("read")
               and not perm.get("if_owner") and not int(perm.get("permlevel") or 0)
               for perm in smooth.get_meta(doctype).permissions)


def employee_of(user: str) -> str | None:
    return smooth.db.get_value("Employee", {"user_id": user}, "name") if user else None


def subtree(employee: str) -> list[str]:
    """Everyone below `employee` in the reporting line, level by level (one query per level and chunk)."""
    seen, below, frontier = {employee}, [], [employee]
    while frontier:
        found: list[str] = []
        for start in range(0, len(frontier), CHUNK):
            found += smooth.get_all("Employee", filters={"reports_to": ["in", frontier[start:start + CHUNK]]},
                                    pluck="name", order_by="")
        frontier = [name for name in found if name not in seen]
        seen.update(frontier)
        below += frontier
    return below


def scope(user: str) -> list[str]:
    """The user's own Employee and their whole team below it (empty for a user with no Employee)."""
    own = employee_of(user)
    return [own, *subtree(own)] if own else []


def _scoped(doctype: str, user: str) -> bool:
    return not sees_all(doctype, user) and SCOPED_ROLE in smooth.get_roles(user)


def employee_conditions(user: str) -> Any:
    if not _scoped("Employee", user):
        return None
    return {"name": ["in", scope(user)]}  # an empty list matches no record (names are never blank)


def employee_compliance_conditions(user: str) -> Any:
    if not _scoped("Employee Compliance", user):
        return None
    return {"employee": ["in", scope(user)]}


def quiz_submission_conditions(user: str) -> Any:
    """Quiz scores of the team's users, and the user's own."""
    if not _scoped("LMS Quiz Submission", user):
        return None
    team = scope(user)
    users = smooth.get_all("Employee", filters={"name": ["in", team], "user_id": ["is", "set"]}, pluck="user_id",
                           order_by="") if team else []
    return {"member": ["in", sorted({user, *users})]}


def grant_employee_role(doc: Any, method: str | None = None) -> None:
    """doc_events on Employee: the linked user gets the Employee role (as Frappe HRMS does), so their scope works."""
    if not doc.user_id or SCOPED_ROLE in smooth.get_roles(doc.user_id):
        return
    user = smooth.get_doc("User", doc.user_id)
    user.append("roles", {"role": SCOPED_ROLE})
    user.save(ignore_permissions=True)
    smooth.local.roles.pop(doc.user_id, None)

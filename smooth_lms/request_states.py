"""The states of an LMS Certificate Request, each in one of three categories the portal and statistics show.

The request's Workflow is editable in the desk, so an admin may add a state (beside the shipped
"No Show") at any time. Every state is placed by what the workflow already says of it: a cancelled document status
(2), an optional state (one nobody is required to reach, like Cancelled) or a Danger / Inverse
Workflow State style is *closed*; a submitted status (1) or the Success style is *completed*;
anything else is still *open* (Pending). A status no workflow state names any more (a state an
admin removed) keeps its name and counts as closed, so no request drops out of a list or a count.
"""

from __future__ import annotations

from dataclasses import dataclass

import smooth

OPEN, COMPLETED, CLOSED = "Pending", "Completed", "Cancelled"
CATEGORIES = (OPEN, COMPLETED, CLOSED)
CLOSED_STYLES, COMPLETED_STYLES = ("Danger", "Inverse"), ("Success",)
INDICATORS = {"Primary": "blue", "Info": "blue", "Success": "green", "Warning": "orange", "Danger": "red",
              "Inverse": "gray"}
SHIPPED = {OPEN: "orange", COMPLETED: "green", CLOSED: "gray"}  # the colours the portal has always used
DOCTYPE = "LMS Certificate Request"
# the shipped request and certificate states as the portal shows them (`_(status)`): marked for the catalogs
STATE_LABELS = (smooth._lazy("Pending"), smooth._lazy("Completed"), smooth._lazy("Cancelled"), smooth._lazy("No Show"),
                smooth._lazy("Cancelled and closed"), smooth._lazy("Valid"), smooth._lazy("Expired"),
                smooth._lazy("Revoked"), smooth._lazy("Superseded"))


@dataclass(frozen=True)
class State:
    name: str
    category: str
    style: str

    @property
    def indicator(self) -> str:
        return SHIPPED.get(self.name) or INDICATORS.get(self.style) or SHIPPED[self.category]


def _category(doc_status: str, optional: bool, style: str) -> str:
    if doc_status == "2" or optional or style in CLOSED_STYLES:
        return CLOSED
    if doc_status == "1" or style in COMPLETED_STYLES:
        return COMPLETED
    return OPEN


def states() -> list[State]:
    """The request's states in workflow order (the Select's options when no workflow is active); read once
    per request or job."""
    cache = smooth.local.flags.__dict__
    if "lms_request_states" not in cache:
        cache["lms_request_states"] = _read_states()
    return list(cache["lms_request_states"])


def _read_states() -> list[State]:
    workflow = smooth.db.get_value("Workflow", {"document_type": DOCTYPE, "is_active": 1}, "name")
    if not workflow:
        return [State(name, name, "") for name in CATEGORIES]
    rows = smooth.get_all("Workflow Document State", fields=["state", "doc_status", "is_optional_state"],
                          filters={"parent": workflow, "parenttype": "Workflow"}, order_by="idx asc")
    styles = dict(smooth.get_all("Workflow State", fields=["name", "style"], as_list=True,
                                 filters={"name": ["in", [r["state"] for r in rows] or [""]]}))
    return [State(r["state"], _category(str(r["doc_status"] or "0"), bool(r["is_optional_state"]),
                                        styles.get(r["state"]) or ""), styles.get(r["state"]) or "") for r in rows]


def state_of(status: str | None) -> State:
    for state in states():
        if state.name == status:
            return state
    return State(status or "", CLOSED if status not in CATEGORIES else str(status), "")

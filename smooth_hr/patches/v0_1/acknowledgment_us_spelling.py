"""Onboarding activities stored with the kind "Policy Acknowledgement" take the US spelling the option now has
(Frappe's spelling, used by the Print Format and the Employee Document Type of the same name)."""

from __future__ import annotations

import smooth

OLD, NEW = "Policy Acknowledgement", "Policy Acknowledgment"


def execute() -> None:
    for name in smooth.db.get_all("Employee Boarding Activity", filters={"kind": OLD}, pluck="name"):
        smooth.db.set_value("Employee Boarding Activity", name, "kind", NEW, update_modified=False)

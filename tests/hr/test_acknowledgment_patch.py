"""The patch that gives stored onboarding activities the US spelling "Policy Acknowledgment" (issue 20, defect 15).
A data rewrite through the document API, no dialect in it: SQLite only."""

from __future__ import annotations

import smooth
from smooth_hr.patches.v0_1 import acknowledgment_us_spelling as patch
from tests.conftest import SiteHandle
from tests.hr.conftest import make_employee


def test_stored_activities_take_the_us_spelling(lms: SiteHandle) -> None:
    onboarding = smooth.get_doc({"doctype": "Employee Onboarding", "employee": make_employee("Nina"), "activities": [
        {"activity_name": "Code", "kind": "Policy Acknowledgment", "policy_text": "Be kind"},
        {"activity_name": "Badge", "kind": "Task"}]}).insert()
    rows = {row.activity_name: row.name for row in onboarding.activities}
    smooth.db.set_value("Employee Boarding Activity", rows["Code"], "kind", patch.OLD)  # as stored before
    patch.execute()
    kinds = dict(smooth.db.get_all("Employee Boarding Activity", fields=["activity_name", "kind"], as_list=True))
    assert kinds == {"Code": "Policy Acknowledgment", "Badge": "Task"}

"""A submitted document's grid is read-only; cells shown by a condition on another read-only cell of
the row stay shown once the form's script evaluates conditions (it reads the values the cells show)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

import smooth
from tests.conftest import make_user
from tests.e2e.conftest import LiveSite, log_in
from tests.hr.conftest import make_document_type, make_employee

HR, PASSWORD = "hr.grid@example.com", "grid-pw-1"


def test_read_only_grid_keeps_cells_whose_condition_holds(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        make_user(HR, "HR Manager", password=PASSWORD)
        make_user("nia@example.com", "LMS Student")
        make_document_type("ID Document")
        employee = make_employee("Nia", user_id="nia@example.com")
        onboarding = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee, "activities": [
            {"activity_name": "Upload a photo ID", "kind": "Upload Document", "document_type": "ID Document"},
            {"activity_name": "Bring your boots", "kind": "Task"}]}).insert().submit().name
        smooth.db.commit()

    log_in(page, HR, PASSWORD, then=f"/app/employee-onboarding/{onboarding}")
    rows = page.locator("table[data-grid='activities'] tbody tr[data-row]")
    upload_cell = rows.nth(0).locator("td[data-fieldname='document_type']")
    expect(upload_cell).to_contain_text("ID Document")
    expect(upload_cell).not_to_have_class(re.compile("condition-hidden"))
    expect(rows.nth(1).locator("td[data-fieldname='document_type']")).to_have_class(re.compile("condition-hidden"))

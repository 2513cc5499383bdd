"""An HR manager's day in the desk: the compliance dashboard, a document uploaded to a personnel
file, a certificate filed as evidence, an audit export."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey


def test_hr_day(journey_for: Callable[..., Journey], tmp_path: Path) -> None:
    j = journey_for("hr")
    page = j.page
    j.log_in("hana.hr@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("HR")
    j.step("workspace")

    j.go("/app/compliance-dashboard")
    expect(page.get_by_role("heading", name="By status")).to_be_visible()
    j.step("dashboard")

    j.go("/app/employee-document/new")
    page.get_by_label("Employee", exact=True).fill("HR-EMP-00003")
    page.get_by_label("Document Type").fill("ID Document")
    scan = tmp_path / "omar-id.pdf"
    scan.write_bytes(b"%PDF-1.4 omar id")
    page.get_by_label("File", exact=True).set_input_files(str(scan))
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_role("link", name=re.compile(r"omar-id.*\.pdf")).first).to_be_visible()
    j.step("document-uploaded")

    j.go("/app/lms-certificate")
    page.locator("table.list-table tbody tr", has_text="Nina").get_by_role("link").first.click()
    actions = page.get_by_role("group", name="Actions")
    actions.get_by_text("File to Employee Document…").click()
    actions.get_by_label("Document Type").select_option("Training Record")
    actions.get_by_label("Compliance Type").select_option("Forklift Safety Certification")
    actions.get_by_label("Mark compliance complete").check()
    j.step("filing")
    actions.get_by_role("button", name="File to Employee Document", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Forklift Safety Certification is completed by course")  # Workplace Safety proves no forklift skill
    j.step("filing-refused")
    actions = page.get_by_role("group", name="Actions")
    actions.get_by_text("File to Employee Document…").click()
    actions.get_by_label("Document Type").select_option("Training Record")
    actions.get_by_label("Compliance Type").select_option("")
    actions.get_by_label("Mark compliance complete").uncheck()
    actions.get_by_role("button", name="File to Employee Document", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/employee-document/HR-DOC-"))
    expect(page.get_by_role("region", name="Messages")).to_contain_text("on Nina Learner's file")
    j.step("filed")

    j.go("/app/compliance-dashboard")
    export = page.locator("form", has=page.get_by_role("button", name="Download ZIP"))
    export.get_by_role("button", name="Download ZIP").click()  # nothing chosen: told so on the page, not in JSON
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("heading", name="By status")).to_be_visible()
    j.step("export-refused")
    export = page.locator("form", has=page.get_by_role("button", name="Download ZIP"))
    export.get_by_label("Employee", exact=True).fill("Omar Learner")
    with page.expect_download() as download:
        export.get_by_role("button", name="Download ZIP").click()
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        assert any(name.endswith(".csv") for name in zipped.namelist())
    j.step("exported")
    j.crawl()

"""HR files a learner's certificate to their Employee Documents from the desk, completes the compliance,
and opens the stored PDF from the Employee Document; HR uploads a document by hand on a new Employee
Document, and a refused save keeps the chosen file."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

import smooth
from smooth_lms.certificates import issue_certificate
from tests.conftest import make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.hr.conftest import make_compliance_type, make_document_type, make_employee
from tests.lms.conftest import make_course, make_learner

HR, LEARNER, PASSWORD = "hana@example.com", "lena@example.com", "secret-pw"


def test_hr_files_a_certificate_and_opens_the_pdf(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        make_user(HR, "HR Manager")
        course = make_course("Scaffold Safety", certificate_validity_months=12)
        make_learner(LEARNER, course)
        smooth.db.set_value("User", LEARNER, {"first_name": "Lena", "full_name": "Lena"})
        employee = make_employee("Lena", user_id=LEARNER, last_name="Berg")
        make_document_type("Training Record", default_validity_months=24)
        make_compliance_type("Scaffold Inspection", renewal_period_months=12, course=course)
        cert = issue_certificate(LEARNER, course).name
        smooth.db.commit()

    log_in(page, HR, PASSWORD, then=f"/app/lms-certificate/{cert}")
    actions = page.get_by_role("group", name="Actions")
    actions.get_by_text("File to Employee Document…").click()  # the button opens its questions
    actions.get_by_label("Document Type").select_option("Training Record")
    actions.get_by_label("Compliance Type").select_option("Scaffold Inspection")
    actions.get_by_label("Mark compliance complete").check()
    assert_accessible(page)
    screenshot(page, "hr-file-certificate-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "hr-file-certificate-phone", live.handle.backend)
    page.set_viewport_size(DESK_WIDTH)

    actions.get_by_role("button", name="File to Employee Document", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/employee-document/HR-DOC-\d{4}-\d{5}$"))
    filed = page.url.split("/app/employee-document/")[1].split("?")[0]
    said = page.get_by_role("region", name="Messages")  # what the filing did, each record a link
    expect(said).to_contain_text(f"Filed {filed} on Lena Berg's file")
    expect(said).to_contain_text("Scaffold Inspection (HR-COMP-")
    expect(said).to_contain_text(f"it renews on {smooth.add_months(smooth.today(), 12)}")
    expect(said.get_by_role("link", name=filed)).to_have_attribute("href", f"/app/employee-document/{filed}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scaffold Safety certificate SMC-")
    shown = page.locator("[data-ro='employee']")  # filed: set only once, read-only; shown by the employee's name
    expect(shown).to_have_attribute("data-value", employee)
    expect(shown).to_have_text("Lena Berg")
    expect(page.locator("input[type=file]")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "hr-employee-document-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "hr-employee-document-phone", live.handle.backend)

    attached = page.get_by_role("complementary").get_by_role("link", name=re.compile(r"\.pdf$"))
    expect(attached).to_be_visible()  # the sidebar lists the filed PDF among the attachments
    link = page.locator("#doc-form").get_by_role("link", name=re.compile(r"\.pdf$"))
    href = link.get_attribute("href") or ""
    assert href.startswith("/private/files/")
    with page.expect_response(lambda r: "/private/files/" in r.url) as opened:
        link.click()
    response = opened.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    stored = page.request.get(href)  # the bytes as served (the browser's PDF viewer wraps what it shows)
    assert stored.headers["content-type"] == "application/pdf" and stored.body()[:5] == b"%PDF-"

    with live.handle.context():
        row = smooth.get_all("Employee Compliance", fields=["employee", "status", "evidence", "renewal_date"])
        assert len(row) == 1 and row[0]["employee"] == employee and row[0]["status"] == "Complete"
        assert row[0]["evidence"] == filed
        assert smooth.getdate(row[0]["renewal_date"]) == smooth.add_months(smooth.today(), 12)


def test_hr_uploads_a_pdf_on_a_new_employee_document(page: Page, live: LiveSite, tmp_path: Path) -> None:
    with live.handle.context():
        make_user(HR, "HR Manager")
        employee = make_employee("Lena", last_name="Berg")
        make_document_type("Forklift Licence")
        smooth.db.commit()
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% Lena's forklift licence\n")
    log_in(page, HR, PASSWORD, then="/app/employee-document/new")
    form = page.locator("#doc-form")
    form.get_by_label("Employee", exact=True).fill(employee)
    form.get_by_label("File", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Save").first.click()  # Document Type left out: refused
    expect(page.get_by_role("alert")).to_contain_text("Document Type")
    expect(page.locator(".attach-current")).to_contain_text("Current file: licence")  # the file is kept
    expect(page.get_by_role("region", name="Messages")).to_contain_text("The file you chose is kept")
    assert_accessible(page)
    screenshot(page, "hr-upload-refused-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "hr-upload-refused-phone", live.handle.backend)
    page.set_viewport_size(DESK_WIDTH)

    form.get_by_label("Document Type", exact=True).fill("Forklift Licence")
    page.get_by_role("button", name="Save").first.click()  # the file is not chosen again
    expect(page.get_by_role("status")).to_have_text("Saved")
    expect(page).to_have_url(re.compile(r"/app/employee-document/HR-DOC-\d{4}-\d{5}\?saved=1$"))
    link = page.locator("[data-ro='file'] a")
    expect(link).to_have_text(re.compile(r"^licence.*\.pdf$"))
    stored = page.request.get(link.get_attribute("href") or "")
    assert stored.status == 200 and stored.body() == pdf.read_bytes()
    screenshot(page, "hr-upload-saved-desk", live.handle.backend)
